using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CovidEntry.Tests.Benchmarks;

/// <summary>What the browser load benchmarks share: signing a browser in, the server's memory, percentiles.</summary>
public static partial class LoadTools
{
    /// <summary>The line the app logs when a daily batch's publish has committed: its time in the transaction, each phase's, and the app's pauses for garbage collection meanwhile.</summary>
    [GeneratedRegex(@"Daily batch \S+ published by \S+: \d+ versions, \d+ cells unchanged, in (?<ms>\d+) ms \(reading (?<read>\d+) ms, planning (?<plan>\d+) ms, saving (?<save>\d+) ms, committing (?<commit>\d+) ms\); garbage collection paused the app (?<gc>\d+) ms meanwhile \((?<collections>[^)]*)\); the publish allocated (?<allocated>[\d.]+) MB")]
    public static partial Regex PublishLog();

    /// <summary>
    /// The app as in production, with the memory endpoint the benchmarks read, room for many sign-ins
    /// from this one address, and no capture worker competing for the machine.
    /// </summary>
    public static IReadOnlyDictionary<string, string> AppSettings { get; } = new Dictionary<string, string>
    {
        ["Diagnostics__MemoryEndpoint"] = "true",
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
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
    /// are moved to the idle scheduling class, and, where this user may, into a CPU control group
    /// of their own marked idle: they get only the CPU the server and the database leave. (A nice
    /// level is not enough: 50 renderers at nice 15 together outweigh the server. The idle class
    /// alone is not either: with 50 renderers each an idle task of its own, the kernel kept a woken
    /// PostgreSQL backend waiting up to 40 ms behind them; as one idle group they give way.)
    /// Processes they start later inherit both. Returns how they were placed, for the report.
    /// </summary>
    public static Task<string> LowerClientPriorityAsync() =>
        LowerAsync([.. ProcessIds("chromium"), .. ProcessIds("node"), Environment.ProcessId]);

    /// <summary>These processes as clients on computers of their own (see <see cref="LowerClientPriorityAsync"/>); returns how they were placed.</summary>
    public static async Task<string> LowerAsync(IReadOnlyCollection<int> clients)
    {
        var grouped = TryMakeIdleGroup() && TryMoveTo(CrowdGroup, clients);
        await ScheduleAsync("--idle", clients);
        return grouped
            ? $"idle scheduling class, in the idle CPU group {CrowdGroup}"
            : "idle scheduling class only (no CPU control group could be made here)";
    }

    /// <summary>Back to the normal scheduling class and the root CPU group (processes started from the crowd inherit its placing).</summary>
    public static Task RestoreNormalPriorityAsync(IEnumerable<int> processIds)
    {
        var ids = processIds.ToList();
        TryMoveTo(CpuRoot, ids);
        return ScheduleAsync("--other", ids);
    }

    /// <summary>The CPU controller's hierarchy: its own mount under cgroup v1, the unified one under v2.</summary>
    private static readonly string CpuRoot = Directory.Exists("/sys/fs/cgroup/cpu") ? "/sys/fs/cgroup/cpu" : "/sys/fs/cgroup";

    private static readonly string CrowdGroup = Path.Combine(CpuRoot, "covidentry-crowd");

    /// <summary>Makes the crowd's CPU group, marked idle; false where this user may not, or the kernel has no <c>cpu.idle</c>.</summary>
    private static bool TryMakeIdleGroup()
    {
        try
        {
            Directory.CreateDirectory(CrowdGroup);
            File.WriteAllText(Path.Combine(CrowdGroup, "cpu.idle"), "1");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool TryMoveTo(string group, IEnumerable<int> processIds)
    {
        try
        {
            foreach (var id in processIds)
            {
                File.WriteAllText(Path.Combine(group, "cgroup.procs"), id.ToString(CultureInfo.InvariantCulture));
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not allowed here: the scheduling class still applies.
            return false;
        }
    }

    /// <summary>
    /// The ids of the running processes whose command name (<c>/proc/…/comm</c>) is this. Not
    /// .NET's process name: for a PostgreSQL backend that is its rewritten title
    /// ("postgres: user db …"), so only the postmaster was found and the backends' waits went uncounted.
    /// </summary>
    public static IReadOnlyList<int> ProcessIds(string name)
    {
        var ids = new List<int>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(folder, "comm")).TrimEnd('\n') == name)
                {
                    ids.Add(id);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while it was read.
            }
        }

        return ids;
    }

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

    /// <summary>
    /// Waits until the whole machine has been at least <paramref name="idleShare"/> idle over five
    /// seconds (what the benchmark set up, PostgreSQL's autovacuum after a bulk import, other
    /// programs), at most <paramref name="longest"/>; says how idle it was and how long it took, so a
    /// run that started on a busy machine says so.
    /// </summary>
    public static async Task<string> WaitForQuietAsync(double idleShare = 0.9, TimeSpan? longest = null)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var idle = 0.0;
        do
        {
            var before = CpuTicks();
            await Task.Delay(TimeSpan.FromSeconds(5));
            var after = CpuTicks();
            idle = (double)(after.Idle - before.Idle) / Math.Max(1, after.Total - before.Total);
        }
        while (idle < idleShare && waited.Elapsed < (longest ?? TimeSpan.FromMinutes(5)));

        return $"{idle:P0} idle over 5 s, after {waited.Elapsed.TotalSeconds:0} s of waiting";
    }

    /// <summary>The machine's CPU time so far in clock ticks, all of it and the idle part (idle and waiting for I/O), from /proc/stat.</summary>
    private static (long Total, long Idle) CpuTicks()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();

        // user nice system idle iowait irq softirq steal (guest time is counted in user already).
        var total = fields.Take(8).Sum();
        return (total, fields[3] + fields[4]);
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
