using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CovidEntry.Tests.Benchmarks;

/// <summary>What the browser load benchmarks share: signing a browser in, the server's memory, percentiles.</summary>
public static class LoadTools
{
    /// <summary>
    /// The app as in production, with the memory endpoint the benchmarks read, room for many sign-ins
    /// from this one address, and no capture worker competing for the machine.
    /// </summary>
    public static IReadOnlyDictionary<string, string> AppSettings { get; } = new Dictionary<string, string>
    {
        ["Diagnostics__MemoryEndpoint"] = "true",
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Identity__SignInRateLimit__PermitsPerMinute"] = "1000",
        ["Screenshots__CaptureEnabled"] = "false",
    };

    /// <summary>Makes the repository's local tools (dotnet-counters, dotnet-gcdump) available, as on a fresh clone.</summary>
    public static async Task RestoreToolsAsync()
    {
        using var restore = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("dotnet", ["tool", "restore"])
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
        })!;
        await restore.StandardOutput.ReadToEndAsync();
        await restore.WaitForExitAsync();
    }

    public static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("Account/Login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync(new() { Timeout = 60_000 });
    }

    /// <summary>The app's managed heap after a forced full collection (needs <c>Diagnostics__MemoryEndpoint=true</c>).</summary>
    public static async Task<long> ManagedBytesAsync(HttpClient http) =>
        (await http.GetFromJsonAsync<JsonElement>("_diagnostics/memory")).GetProperty("managedBytes").GetInt64();

    /// <summary>The process's resident memory, from /proc.</summary>
    public static long ResidentBytes(int processId)
    {
        var line = File.ReadLines($"/proc/{processId}/status").Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>
    /// The browsers, Playwright's driver (node) and this test process stand in for the volunteers'
    /// own computers. On this machine they share two cores with the server and PostgreSQL, so they
    /// are moved to the idle scheduling class: they get only the CPU the server and the database
    /// leave. (A nice level is not enough: 50 renderers at nice 15 together outweigh the server.)
    /// </summary>
    public static Task LowerClientPriorityAsync() =>
        ScheduleAsync("--idle", [.. ProcessIds("chromium"), .. ProcessIds("node"), Environment.ProcessId]);

    /// <summary>The ids of the running processes with this name.</summary>
    public static IReadOnlyList<int> ProcessIds(string name)
    {
        var processes = System.Diagnostics.Process.GetProcessesByName(name);
        try
        {
            return [.. processes.Select(p => p.Id)];
        }
        finally
        {
            foreach (var process in processes)
            {
                process.Dispose();
            }
        }
    }

    /// <summary>Back to the normal scheduling class (processes started from an idle-class parent inherit its class).</summary>
    public static Task RestoreNormalPriorityAsync(IEnumerable<int> processIds) => ScheduleAsync("--other", processIds);

    /// <summary>Puts every thread of the processes in a scheduling class (<c>chrt</c>'s policy option).</summary>
    private static async Task ScheduleAsync(string policy, IEnumerable<int> processIds)
    {
        foreach (var id in processIds)
        {
            using var chrt = System.Diagnostics.Process.Start("chrt", ["--all-tasks", policy, "--pid", "0", id.ToString(CultureInfo.InvariantCulture)]);
            await chrt.WaitForExitAsync();
        }
    }

    /// <summary>CPU time the process has used so far (user and system), from /proc.</summary>
    public static TimeSpan CpuTime(int processId)
    {
        // Fields after the command name (which may hold spaces, so split after its closing parenthesis).
        var stat = File.ReadAllText($"/proc/{processId}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    /// <summary>CPU time the processes have used so far; those that have ended are not counted.</summary>
    public static TimeSpan CpuTime(IEnumerable<int> processIds) =>
        processIds.Aggregate(TimeSpan.Zero, (sum, id) => File.Exists($"/proc/{id}/stat") ? sum + CpuTime(id) : sum);

    /// <summary>
    /// How long the processes' threads have waited for a CPU while ready to run, so far (the
    /// second field of /proc/…/task/…/schedstat; threads that have ended are not counted).
    /// </summary>
    public static TimeSpan RunQueueWait(IEnumerable<int> processIds)
    {
        long nanoseconds = 0;
        foreach (var processId in processIds)
        {
            try
            {
                foreach (var task in Directory.EnumerateDirectories($"/proc/{processId}/task"))
                {
                    nanoseconds += long.Parse(File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ')[1], CultureInfo.InvariantCulture);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process or thread ended while it was read.
            }
        }

        return TimeSpan.FromMilliseconds(nanoseconds / 1e6);
    }

    public static double Percentile(IReadOnlyCollection<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }

    public static string Summary(IReadOnlyCollection<double> values) => values.Count == 0
        ? "none"
        : $"n {values.Count:#,0}, p50 {Percentile(values, 0.5):0} ms, p95 {Percentile(values, 0.95):0} ms, p99 {Percentile(values, 0.99):0} ms, max {values.Max():0} ms";
}
