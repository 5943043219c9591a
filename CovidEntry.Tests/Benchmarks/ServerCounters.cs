using System.Diagnostics;
using System.Globalization;

namespace CovidEntry.Tests.Benchmarks;

/// <summary>
/// The server's own timing of each browser event it handles (the <c>aspnetcore.components.handle_event.duration</c>
/// histogram of .NET 10), read from outside the app by <c>dotnet-counters</c> (a local tool of the
/// repository, <c>.config/dotnet-tools.json</c>), so the app needs no code for it. dotnet-counters
/// reports percentiles per interval; the summary gives their median and worst across the run.
/// </summary>
public sealed class ServerCounters : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private const string Histogram = "aspnetcore.components.handle_event.duration";

    private readonly Process _process;
    private readonly string _file;

    private ServerCounters(Process process, string file)
    {
        _process = process;
        _file = file;
    }

    public static async Task<ServerCounters> StartAsync(int processId, TimeSpan duration)
    {
        await LoadTools.RestoreToolsAsync();

        var file = Path.Combine(Path.GetTempPath(), $"covidentry-counters-{Guid.NewGuid():N}.csv");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
                 {
                     "dotnet-counters", "collect", "--process-id", processId.ToString(CultureInfo.InvariantCulture),
                     "--counters", "Microsoft.AspNetCore.Components,System.Runtime", "--format", "csv", "--output", file,
                     "--refresh-interval", Interval.TotalSeconds.ToString(CultureInfo.InvariantCulture),
                     "--duration", duration.ToString(@"dd\:hh\:mm\:ss", CultureInfo.InvariantCulture),
                 })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        return new ServerCounters(process, file);
    }

    /// <summary>Waits for the collection to end, then summarises the 50th and 95th percentiles over the intervals.</summary>
    public async Task<string> ResultsAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        if (!File.Exists(_file))
        {
            return "no data (dotnet-counters wrote nothing)";
        }

        var all = await File.ReadAllLinesAsync(_file);
        var lines = all.Where(l => l.Contains(Histogram, StringComparison.Ordinal)).ToList();
        if (lines.Count == 0)
        {
            return $"no {Histogram} readings; dotnet-counters wrote {all.Length} lines, the first: {string.Join(" / ", all.Take(6))}";
        }

        string Of(IEnumerable<string> readings, string percentile)
        {
            var values = readings.Where(l => l.Contains($"Percentile={percentile}]", StringComparison.Ordinal))
                .Select(l => double.Parse(l[(l.LastIndexOf(',') + 1)..], CultureInfo.InvariantCulture) * 1000)
                .ToList();
            return values.Count == 0 ? "none" : $"median {LoadTools.Percentile(values, 0.5):0.0} ms, worst {values.Max():0.0} ms";
        }

        string Summary(IReadOnlyList<string> readings) =>
            $"p50 {Of(readings, "50")}; p95 {Of(readings, "95")}; p99 {Of(readings, "99")}";

        var typing = lines.Where(l => l.Contains("attribute.name=oninput", StringComparison.Ordinal)).ToList();
        string Highest(string counter) => all.Where(l => l.Contains(counter, StringComparison.Ordinal))
            .Select(l => double.Parse(l[(l.LastIndexOf(',') + 1)..], CultureInfo.InvariantCulture)).DefaultIfEmpty().Max().ToString("0", CultureInfo.InvariantCulture);
        return $"every event: {Summary(lines)}; typing into a field (oninput): {Summary(typing)}; "
            + $"thread pool: at most {Highest("dotnet.thread_pool.thread.count")} threads, at most {Highest("dotnet.thread_pool.queue.length")} work items queued";
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        File.Delete(_file);
    }
}
