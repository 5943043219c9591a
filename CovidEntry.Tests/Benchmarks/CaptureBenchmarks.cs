using CovidEntry.App.Features.Jurisdictions;
using System.Diagnostics;
using CovidEntry.App.Features.Screenshots;
using CovidEntry.Domain.Screenshots;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CovidEntry.Tests.Benchmarks;

/// <summary>
/// Screenshot captures per minute through the app's own worker (2 at once) against pages served
/// on loopback, and the bytes each capture adds to the database. Opt-in:
/// <c>dotnet test CovidEntry.Tests -c Release --filter "FullyQualifiedName~CaptureBenchmarks" --logger "console;verbosity=detailed"</c>.
/// </summary>
[Trait("Category", "Benchmark")]
public sealed class CaptureBenchmarks(ITestOutputHelper output)
{
    private static readonly int Captures = int.TryParse(Environment.GetEnvironmentVariable("BENCH_CAPTURES"), out var n) ? n : 40;
    private const int Sources = 8;

    /// <summary>A dashboard the size of a health department's: a header, a table of 40 rows, a chart-like band.</summary>
    private static string Dashboard(int source, int version)
    {
        var rows = string.Concat(Enumerable.Range(1, 40).Select(i =>
            $"<tr><td style='border:1px solid #999;padding:4px'>County {i}</td><td style='border:1px solid #999;padding:4px'>{(source * 1000 + i * 37 + version):N0}</td></tr>"));
        return LocalPages.Document($"Dashboard {source}", $"""
            <h1 style="background:#1f4e79;color:#fff;padding:16px;margin:0">State {source} COVID-19 dashboard · update {version}</h1>
            <table style="border-collapse:collapse;margin:16px;font-size:16px">{rows}</table>
            <div style="height:240px;background:linear-gradient(90deg,#c00,#0c0,#00c)"></div>
            """);
    }

    [Fact]
    public async Task CapturesPerMinuteWithTwoAtOnce()
    {
        await using var pages = await LocalPages.StartAsync();
        var database = new TestDatabase(new Dictionary<string, string?> { ["Screenshots:CaptureEnabled"] = "true", ["Screenshots:AllowPrivateTargets"] = "true", ["Screenshots:PollSeconds"] = "0.2" });
        await database.InitializeAsync();
        var lead = await database.CreateUserAsync("Bench Admin", CovidEntry.Domain.People.Roles.Admin);
        var sourceIds = new List<int>();
        for (var source = 0; source < Sources; source++)
        {
            pages.Html($"/s{source}", Dashboard(source, 0));
            sourceIds.Add(await database.Get<SourceService>().AddAsync("NY", new SourceForm { Label = $"Source {source}", Url = pages.Url($"/s{source}") }, lead));
        }

        var worker = database.Services.GetRequiredService<CaptureWorker>();
        await worker.StartAsync(CancellationToken.None);
        var clock = Stopwatch.StartNew();
        var requested = 0;
        for (var round = 0; requested < Captures; round++)
        {
            // Each round the pages change, so every capture is a new image to store.
            for (var source = 0; source < Sources && requested < Captures; source++, requested++)
            {
                pages.Html($"/s{source}", Dashboard(source, round + 1));
                await database.Get<ScreenshotService>().RequestCaptureAsync("NY", sourceIds[source], lead);
            }

            await WaitForAllAsync(database);
        }

        var elapsed = clock.Elapsed;
        await worker.StopAsync(CancellationToken.None);

        await using var db = await database.DbAsync();
        var failed = await db.CaptureJobs.CountAsync(j => j.State == CaptureJobState.Failed);
        var shots = await db.Screenshots.CountAsync();
        var imageBytes = await db.ImageBlobs.SumAsync(b => b.ByteCount);
        var thumbnailBytes = await db.ImageBlobs.SumAsync(b => (long)b.Thumbnail.Length);
        var tableBytes = await db.Database.SqlQuery<long>($"""SELECT pg_total_relation_size('"ImageBlobs"') + pg_total_relation_size('"Screenshots"') AS "Value" """).SingleAsync();
        var durations = await db.CaptureJobs.Where(j => j.DurationMs != null).Select(j => j.DurationMs!.Value).ToListAsync();
        durations.Sort();

        output.WriteLine($"{shots} captures ({failed} failed) in {elapsed.TotalSeconds:0.0} s with 2 at once: {shots / elapsed.TotalMinutes:0.0} captures per minute");
        output.WriteLine($"Browser time per capture: median {durations[durations.Count / 2]} ms, slowest {durations[^1]} ms");
        output.WriteLine($"Stored per capture: image {imageBytes / shots / 1024.0:0.0} KB + thumbnail {thumbnailBytes / shots / 1024.0:0.0} KB; on disk (tables, TOAST, indexes) {tableBytes / shots / 1024.0:0.0} KB");
        Assert.Equal(0, failed);
        Assert.Equal(Captures, shots);
        await database.DisposeAsync();
    }

    private static async Task WaitForAllAsync(TestDatabase database)
    {
        for (var waited = 0; waited < 6000; waited++)
        {
            await using var db = await database.DbAsync();
            if (!await db.CaptureJobs.AnyAsync(j => j.State == CaptureJobState.Pending || j.State == CaptureJobState.Running))
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("The captures did not finish within 10 minutes.");
    }
}
