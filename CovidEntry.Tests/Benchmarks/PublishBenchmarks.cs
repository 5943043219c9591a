using System.Collections.Concurrent;
using System.Diagnostics;
using CovidEntry.App.Features.Publish;
using Xunit.Abstractions;

namespace CovidEntry.Tests.Benchmarks;

/// <summary>
/// Publishing a 56-entry daily batch on a quiet machine, with where its time goes (each SQL
/// statement as Npgsql times it). Opt-in:
/// <c>dotnet test CovidEntry.Tests -c Release --filter "FullyQualifiedName~PublishBenchmarks" --logger "console;verbosity=detailed"</c>
/// (<c>BENCH_PUBLISHES</c> sets how many, default 12; the first is a warm-up).
/// </summary>
[Trait("Category", "Benchmark")]
public sealed class PublishBenchmarks(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly int Publishes = int.TryParse(Environment.GetEnvironmentVariable("BENCH_PUBLISHES"), out var n) ? n : 12;

    private readonly TestDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task PublishingA56EntryBatch()
    {
        var (loop, values) = await PlausibleValues.ArrangeAsync(_database);
        var shifts = await values.ReadyBatchesAsync(loop, Publishes, PlausibleValues.LastImported.AddDays(1));

        var statements = new ConcurrentQueue<(string Sql, double Ms)>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => statements.Enqueue((
                (activity.GetTagItem("db.query.text") ?? activity.GetTagItem("db.statement") ?? activity.DisplayName)?.ToString() ?? "",
                activity.Duration.TotalMilliseconds)),
        };
        ActivitySource.AddActivityListener(listener);

        var times = new List<double>();
        var allocated = new List<double>();
        var perPublish = new List<IReadOnlyList<(string Sql, double Ms)>>();
        foreach (var shiftId in shifts)
        {
            statements.Clear();
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var started = Stopwatch.GetTimestamp();
            var result = await _database.Get<PublishService>().PublishShiftAsync(shiftId, loop.Lead);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            allocated.Add((GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / 1048576.0);
            perPublish.Add([.. statements]);
            Assert.True(result.VersionsWritten > 0);
        }

        var measured = times.Skip(1).ToList();
        output.WriteLine($"{measured.Count} publishes of 56 entries after one warm-up: {LoadTools.Summary(measured)} (target p95 < 300 ms under load)");
        output.WriteLine($"the process allocated a median {allocated.Skip(1).Order().ElementAt(measured.Count / 2):0.0} MB while each publish ran (the audit chainer's sealing of its events included when it got to them meanwhile)");
        var typical = perPublish.Skip(1).OrderBy(p => p.Sum(s => s.Ms)).ElementAt(measured.Count / 2);
        output.WriteLine($"the median publish's {typical.Count} statements, {typical.Sum(s => s.Ms):0} ms in all, by kind:");
        foreach (var group in typical.GroupBy(s => Shape(s.Sql)).OrderByDescending(g => g.Sum(s => s.Ms)).Take(12))
        {
            output.WriteLine($"  {group.Sum(s => s.Ms),7:0.0} ms  x{group.Count(),-4} {group.Key}");
        }
    }

    /// <summary>A statement's first words, enough to tell one kind from another.</summary>
    private static string Shape(string sql)
    {
        var flat = string.Join(' ', sql.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= 110 ? flat : flat[..110];
    }
}
