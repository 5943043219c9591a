using System.Diagnostics;
using System.Text;
using CovidEntry.App.Data;
using CovidEntry.App.Features.Imports;
using Npgsql;
using Xunit.Abstractions;

namespace CovidEntry.Tests.Benchmarks;

/// <summary>
/// The speed targets of published history, measured on this machine. Opt-in and slow (minutes):
/// <c>dotnet test CovidEntry.Tests -c Release --filter Category=Benchmark --logger "console;verbosity=detailed"</c>.
/// ./test.sh leaves them out. Results go to docs/benchmarks.md.
/// </summary>
[Trait("Category", "Benchmark")]
public sealed class HistoryBenchmarks(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TestDatabase _database = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("covidentry-bench-").FullName;

    public Task InitializeAsync() => _database.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task ImportAndExportAtTenTimesCtpSize()
    {
        await ImportAgainstCopyAsync(10);

        // The public CSV against COPY of the same cells to stdout.
        await using var api = await PublicApi.StartAsync(_database.ConnectionString);
        long peak = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false));
                await Task.Delay(20);
            }
        });
        GC.Collect();
        var before = GC.GetTotalMemory(true);
        long bytes = 0;
        async Task DownloadAsync()
        {
            bytes = 0;
            await using var stream = await api.Http.GetStreamAsync("/api/v1/states/daily.csv");
            var buffer = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                bytes += read;
            }
        }

        // Steady state on both sides: one warm-up run each (JIT, caches), then the median of three.
        var csv = await MedianAsync(3, DownloadAsync);
        await sampling.CancelAsync();
        await sampler;
        var copyOut = await MedianAsync(3, () => PsqlAsync(
            "\\copy (SELECT \"DataDate\", \"JurisdictionCode\", \"MetricKey\", \"Value\" FROM \"LatestValues\" ORDER BY \"DataDate\" DESC, \"JurisdictionCode\") TO '/dev/null'"));
        Report($"states daily CSV: {bytes / 1024.0 / 1024.0:0.0} MB in {csv.TotalSeconds:0.0} s; COPY of the same cells TO STDOUT: {copyOut.TotalSeconds:0.0} s; ratio {csv / copyOut:0.0}x (target <= 1.5x); "
            + $"managed heap grew by at most {(peak - before) / 1024.0 / 1024.0:0} MB while streaming");

        // As-of: one jurisdiction-date as published at a moment, and one jurisdiction's whole history.
        var rowsService = _database.Get<App.Features.Exports.PublishedRows>();
        var catalog = await rowsService.CatalogAsync(CancellationToken.None);
        var moment = DateTimeOffset.UtcNow;
        var oneDay = await MedianAsync(20, async () =>
        {
            await using var db = await _database.DbAsync();
            var date = new DateOnly(2020, 6, 1);
            _ = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
                db.ValueVersions.Where(v => v.JurisdictionCode == "NY" && v.DataDate == date && v.PublishedAtUtc <= moment.UtcDateTime)
                    .GroupBy(v => v.MetricKey).Select(g => g.OrderByDescending(v => v.VersionNumber).First()));
        });
        var wholeState = await MedianAsync(5, async () =>
        {
            await foreach (var _ in rowsService.RawAsync(catalog, moment, "NY", CancellationToken.None))
            {
            }
        });
        Report($"as-of read of NY on one date: median {oneDay.TotalMilliseconds:0.0} ms (target < 20 ms); NY's whole history as of a moment: median {wholeState.TotalMilliseconds:0} ms");
    }

    /// <summary>The import at the real file's size, for the time a migration takes (decision 017).</summary>
    [Fact]
    public Task ImportAtCtpSize() => ImportAgainstCopyAsync(1);

    [Fact]
    public async Task LatestTableAgainstCtpsMaxBatchJoinWithTenVersionsPerCell()
    {
        var file = Path.Combine(_folder, "history-x1.csv");
        await SyntheticHistory.WriteAsync(file, SyntheticHistory.DaysFor(1));
        var lines = await File.ReadAllLinesAsync(file);

        // Ten imports, each changing every number, give every reported cell ten versions.
        for (var round = 0; round < 10; round++)
        {
            var shifted = lines.Skip(1).Select(line => string.Join(',', line.Split(',').Select((cell, i) => i < 2 || cell.Length == 0 ? cell : (long.Parse(cell) + round * 3).ToString())));
            await using var content = new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', lines.Take(1).Concat(shifted))));
            var report = await _database.Get<CtpImportService>().ImportAsync(content, $"round{round}.csv", CtpImportService.CommandLineUser);
            Assert.True(report.Imported);
        }

        await ExecuteAsync("ANALYZE");
        var versions = await ScalarAsync("SELECT count(*) FROM \"ValueVersions\"");
        const string latestView = """
            SELECT "JurisdictionCode", "DataDate", "MetricKey", "Value" FROM "LatestValues" ORDER BY "DataDate" DESC, "JurisdictionCode"
            """;

        // CTP's shape: each state-date's row from the newest batch that has it, found by joining on the max batch.
        const string ctpShape = """
            SELECT v."JurisdictionCode", v."DataDate", v."MetricKey", v."Value"
            FROM "ValueVersions" v
            JOIN "Batches" b ON b."Id" = v."BatchId"
            JOIN (SELECT v2."JurisdictionCode", v2."DataDate", v2."MetricKey", max(b2."PublishedAtUtc") AS newest
                  FROM "ValueVersions" v2 JOIN "Batches" b2 ON b2."Id" = v2."BatchId"
                  GROUP BY v2."JurisdictionCode", v2."DataDate", v2."MetricKey") m
              ON m."JurisdictionCode" = v."JurisdictionCode" AND m."DataDate" = v."DataDate" AND m."MetricKey" = v."MetricKey" AND m.newest = b."PublishedAtUtc"
            ORDER BY v."DataDate" DESC, v."JurisdictionCode"
            """;
        var latest = await MedianAsync(5, () => DrainAsync(latestView));
        var ctp = await MedianAsync(3, () => DrainAsync(ctpShape));
        Report($"{versions:#,0} versions: latest table {latest.TotalMilliseconds:0} ms; CTP's max-batch join {ctp.TotalMilliseconds:0} ms; {ctp / latest:0.0}x faster (target >= 10x)");
    }

    private void Report(string line) => output.WriteLine(line);

    /// <summary>As the owner: the benchmarks make tables of their own beside the app's, which the app's role may not.</summary>
    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestCluster.AsRole(_database.ConnectionString, DatabaseRole.Owner));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private async Task DrainAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
        }
    }

    /// <summary>Imports a synthetic history of <paramref name="scale"/> times CTP's size into an empty
    /// history and times it against psql's <c>\copy</c> of the same file into a bare table.</summary>
    private async Task ImportAgainstCopyAsync(int scale)
    {
        var file = Path.Combine(_folder, $"history-x{scale}.csv");
        await SyntheticHistory.WriteAsync(file, SyntheticHistory.DaysFor(scale));
        var rows = File.ReadLines(file).Count() - 1;
        Report($"file: {rows:#,0} rows, {new FileInfo(file).Length / 1024.0 / 1024.0:0.0} MB");

        var header = File.ReadLines(file).First().Split(',').Select(c => c.Trim('"')).ToList();
        await ExecuteAsync($"CREATE TABLE bare ({string.Join(", ", header.Select(c => c switch { "date" => "\"date\" date", "state" => "\"state\" text", _ => $"\"{c}\" bigint" }))})");
        var psqlCopy = await TimeAsync(() => PsqlAsync($"\\copy bare FROM '{file}' WITH (FORMAT csv, HEADER true)"));
        var import = await TimeAsync(async () =>
        {
            await using var content = File.OpenRead(file);
            var report = await _database.Get<CtpImportService>().ImportAsync(content, $"x{scale}.csv", CtpImportService.CommandLineUser);
            Assert.True(report.Imported);
        });
        Report($"import: {import.TotalSeconds:0.0} s; psql \\copy into a bare table: {psqlCopy.TotalSeconds:0.00} s; ratio {import / psqlCopy:0.0}x (target <= 2x)");
    }

    private async Task PsqlAsync(string command)
    {
        // The owner: the bare table is made beside the app's, which the app's role may not do.
        var csb = new NpgsqlConnectionStringBuilder(TestCluster.AsRole(_database.ConnectionString, DatabaseRole.Owner));
        var psql = Path.Combine(LocalPostgres.FindBinDirectory(), "psql");
        var start = new ProcessStartInfo(psql, ["-h", csb.Host!, "-p", csb.Port.ToString(), "-U", csb.Username!, "-d", csb.Database!, "-v", "ON_ERROR_STOP=1", "-c", command])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.Environment["PGPASSWORD"] = csb.Password;
        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, error);
    }

    private static async Task<TimeSpan> TimeAsync(Func<Task> action)
    {
        var watch = Stopwatch.StartNew();
        await action();
        return watch.Elapsed;
    }

    private static async Task<TimeSpan> MedianAsync(int runs, Func<Task> action)
    {
        await action(); // warm up
        var times = new List<TimeSpan>();
        for (var i = 0; i < runs; i++)
        {
            times.Add(await TimeAsync(action));
        }

        return times.Order().ElementAt(runs / 2);
    }
}
