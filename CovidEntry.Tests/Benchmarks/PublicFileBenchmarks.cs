using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using CovidEntry.App.Data;
using CovidEntry.App.Features.Snapshots;
using CovidEntry.Tests.Browser;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CovidEntry.Tests.Benchmarks;

/// <summary>
/// The public files served by the app against the same bytes served by nginx as static files, on
/// this machine, interleaved (nginx, app, nginx, app … for each file), with wrk; then the
/// volunteers' publish while 50 clients download continuously (one wrk, 50 connections going round five files), a lead
/// publishing in Chromium through the review page, the publish's time read from the app's log as in
/// <see cref="SoakBenchmarks"/>. The history is CTP's size
/// (<see cref="SyntheticHistory"/>, ×1: about 20,800 state-days), the CTP sample on top. The database is
/// vacuumed after the import, both servers are warmed up on every file, and each part starts once the
/// machine is quiet (or after five minutes of waiting, said in the output).
/// Opt-in: <c>dotnet test CovidEntry.Tests -c Release --filter "FullyQualifiedName~PublicFileBenchmarks" --logger "console;verbosity=detailed"</c>
/// (<c>BENCH_SECONDS</c> per measurement, default 10; <c>BENCH_ROUNDS</c>, default 2; <c>BENCH_PUBLISHES</c>, default 63, a third with
/// each placement of wrk, the first of each a warm-up, so that the p95 of the other 20 is a percentile and not their slowest;
/// wrk from Debian's package).
/// </summary>
[Trait("Category", "Benchmark")]
public sealed partial class PublicFileBenchmarks(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly int Seconds = int.TryParse(Environment.GetEnvironmentVariable("BENCH_SECONDS"), out var s) ? s : 10;
    private static readonly int Rounds = int.TryParse(Environment.GetEnvironmentVariable("BENCH_ROUNDS"), out var r) ? r : 2;
    private static readonly int Publishes = int.TryParse(Environment.GetEnvironmentVariable("BENCH_PUBLISHES"), out var p) ? p : 63;

    private readonly TestDatabase _database = new();
    private readonly string _root = Directory.CreateTempSubdirectory("covidentry-static-").FullName;

    public Task InitializeAsync() => _database.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task PublicFilesAgainstNginxServingTheSameBytes()
    {
        var history = Path.Combine(_root, "history.csv");
        await SyntheticHistory.WriteAsync(history, SyntheticHistory.DaysFor(1));
        await TestApp.ImportCtpAsync(_database.ConnectionString, await File.ReadAllTextAsync(history), "synthetic.csv");
        File.Delete(history);
        var (loop, values) = await PlausibleValues.ArrangeAsync(_database);
        var batches = await values.ReadyBatchesAsync(loop, Publishes, PlausibleValues.LastImported.AddDays(1));
        var snapshot = await _database.Get<SnapshotService>().MakeAsync(SnapshotService.OnDemand, null);
        Assert.Equal(CovidEntry.Domain.Snapshots.SnapshotState.Published, snapshot.State);

        // A database at rest, as in production between imports: without this, autovacuum's pass over
        // the rows just imported lands in the middle of the measurements.
        await using (var owner = new Npgsql.NpgsqlConnection(TestCluster.AsRole(_database.ConnectionString, DatabaseRole.Owner)))
        {
            await owner.OpenAsync();
            await using var vacuum = new Npgsql.NpgsqlCommand("VACUUM (ANALYZE)", owner) { CommandTimeout = 0 };
            await vacuum.ExecuteNonQueryAsync();
        }

        var settings = new Dictionary<string, string>(LoadTools.AppSettings)
        {
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__CovidEntry.App.Features.Publish.PublishService"] = "Information",
        };
        await using var app = await AppServer.StartAsync(_database.ConnectionString, environment: settings);
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        await Eventually.ReadAsync(async () => (await http.GetAsync("/api/v1/states/daily.csv")).Headers.CacheControl?.ToString() ?? "",
            cacheControl => cacheControl.Contains("max-age", StringComparison.Ordinal), TimeSpan.FromMinutes(2));

        (string Name, string Path)[] files =
        [
            ("states daily CSV", "/api/v1/states/daily.csv"),
            ("one state's CSV (NY)", "/api/v1/states/NY/daily.csv"),
            ("US daily JSON", "/api/v1/us/daily.json"),
            ("current CSV", "/api/v1/states/current.csv"),
            ("states daily JSON", "/api/v1/states/daily.json"),
            ("v2 JSON (NY)", "/api/v2/states/NY/daily.json"),
            ("states info JSON", "/api/v1/states/info.json"),
            ("snapshot states CSV", $"/data/snapshots/{snapshot.SnapshotId}/states-daily.csv"),
        ];
        var sizes = new Dictionary<string, long>();
        foreach (var (_, path) in files)
        {
            var bytes = await http.GetByteArrayAsync(path);
            var target = Path.Combine(_root, path.TrimStart('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            await File.WriteAllBytesAsync(target, bytes);
            sizes[path] = bytes.Length;
        }

        await using var nginx = await Nginx.StartStaticAsync(_root, workers: Environment.ProcessorCount);

        // Each server's code warm (the app's compiled at its second tier) before anything is counted.
        foreach (var (_, path) in files)
        {
            await WrkAsync(nginx.BaseUrl + path, sizes[path], seconds: 2);
            await WrkAsync(app.BaseUrl + path, sizes[path], seconds: 2);
        }

        var quiet = await LoadTools.WaitForQuietAsync();
        output.WriteLine($"machine: {Environment.ProcessorCount} cores, {CpuModel()}, {MemoryGiB():0} GiB; wrk -t2 -c32 -d{Seconds}s per measurement, {Rounds} rounds, nginx and the app interleaved, "
            + $"after a warm-up of 2 s per file on each; at start {quiet}, load average {LoadAverage()}");
        output.WriteLine("| file | size | nginx req/s | app req/s | app / nginx |");
        output.WriteLine("| --- | --- | --- | --- | --- |");
        foreach (var (name, path) in files)
        {
            var nginxRates = new List<double>();
            var appRates = new List<double>();
            for (var round = 0; round < Rounds; round++)
            {
                nginxRates.Add(await WrkAsync(nginx.BaseUrl + path, sizes[path]));
                appRates.Add(await WrkAsync(app.BaseUrl + path, sizes[path]));
            }

            output.WriteLine($"| {name} | {sizes[path] / 1024.0:#,0.0} KB | {nginxRates.Average():#,0} ({string.Join(", ", nginxRates.Select(x => x.ToString("#,0", CultureInfo.InvariantCulture)))}) "
                + $"| {appRates.Average():#,0} ({string.Join(", ", appRates.Select(x => x.ToString("#,0", CultureInfo.InvariantCulture)))}) | {appRates.Average() / nginxRates.Average():0.00} |");
        }

        // The volunteers' publish while 50 clients download continuously, each going round the first
        // five files, from one wrk with two threads (one per core; five wrk processes of two threads each
        // made ten load threads on two cores, and in sessions of their own five scheduling groups against
        // the app's one). Three times: wrk in the test's own session, where the kernel's autogroup
        // scheduling has it share the test and app's part of the processor; wrk in a session of its own
        // (setsid), as a program apart from the app; and wrk as clients on computers of their own, placed
        // as the soak benchmark places its crowd of browsers (idle scheduling class and idle CPU group,
        // LoadTools.LowerAsync): the downloads still ask for all they can, but wrk's own reading of 1.3 GB/s,
        // which a real client does on its own machine, no longer takes the server's processor. The lead's
        // browser stays at normal priority in all three, as on the lead's own computer.
        var rotation = Path.Combine(_root, "rotate.lua");
        await File.WriteAllTextAsync(rotation, """
            local paths, turn = {}, 0
            function init(args) paths = args end
            function request()
              turn = turn % #paths + 1
              return wrk.format("GET", paths[turn])
            end
            """);
        // The lead publishes as in production: in a browser, through the review page, so that the publish
        // runs in the app, beside the downloads it serves, and the app can put it first.
        string leadEmail;
        await using (var db = await _database.DbAsync())
        {
            leadEmail = await db.Users.Where(u => u.Id == loop.Lead).Select(u => u.Email!).SingleAsync();
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var leadContext = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = app.BaseUrl + "/" });
        await leadContext.AddInitScriptAsync(BrowserUser.MarkPrerendered);
        var lead = await leadContext.NewPageAsync();
        await LoadTools.SignInAsync(lead, leadEmail, TestDatabase.Password);

        var placements = new[] { WrkPlacement.TestSession, WrkPlacement.OwnSession, WrkPlacement.ClientsApart };
        var perPlacement = Publishes / placements.Length;
        var lost = new List<string>();
        foreach (var (placement, turn) in placements.Select((p, i) => (p, i)))
        {
            var placementName = placement switch
            {
                WrkPlacement.TestSession => "wrk in the test's session",
                WrkPlacement.OwnSession => "wrk in a session of its own",
                _ => "wrk as clients apart (idle class and CPU group)",
            };
            output.WriteLine($"before the publishes with {placementName}: {await LoadTools.WaitForQuietAsync()}");
            using var downloads = new CancellationTokenSource();
            var downloader = WrkAsync(app.BaseUrl + files[0].Path, null, connections: 50, seconds: 1200, downloads.Token, placement,
                ["-s", rotation, "--", .. files.Take(5).Select(f => f.Path)]);
            await Task.Delay(TimeSpan.FromSeconds(3));
            var times = new List<double>();
            var phases = new List<string>();
            var collecting = new List<double>();
            var collected = new List<string>();
            var onScreen = new List<double>();
            var fresh = new List<double>();
            foreach (var shiftId in batches.Skip(turn * perPlacement).Take(perPlacement))
            {
                await lead.GotoAsync($"shifts/{shiftId}/review");

                // Until the circuit has replaced the prerendered page, a click does nothing.
                await Expect(lead.Locator("main#main:not([data-prerendered])")).ToHaveCountAsync(1, new() { Timeout = 60_000 });
                var publish = lead.GetByRole(AriaRole.Button, new() { Name = "Publish batch" });
                await Expect(publish).ToBeEnabledAsync(new() { Timeout = 60_000 });
                var tag = await TagAsync(http);
                var printed = app.Output.Length;

                // Waited for in the page at every animation frame, from before the click: the moment the
                // lead could read "Published" (an expectation polls at growing intervals, up to a second apart).
                var shown = lead.WaitForFunctionAsync("() => document.getElementById('review-message')?.textContent.includes('Published')",
                        null, new() { Timeout = 60_000 })
                    .ContinueWith(waited => (Shown: waited.IsCompletedSuccessfully, At: Stopwatch.GetTimestamp()), TaskScheduler.Default);
                var clicked = Stopwatch.GetTimestamp();
                await publish.ClickAsync();
                if (await LoggedPublishAsync(app, printed) is not { } logged)
                {
                    // Not a publish time but a lost click or a failed publish: say what the app and the page said, and go on.
                    lost.Add($"{shiftId}: no publish logged within a minute of the click; the page says \"{await lead.Locator("#review-error").TextContentAsync()}\"; "
                        + $"the app printed: {app.Output[printed..]}");
                    continue;
                }

                times.Add(logged.Milliseconds);
                phases.Add(logged.Phases);
                collecting.Add(logged.GarbageCollectionMilliseconds);
                if (logged.GarbageCollectionMilliseconds > 0)
                {
                    collected.Add($"{logged.Milliseconds:0} ms with {logged.GarbageCollectionMilliseconds:0} ms of pauses ({logged.Collections})");
                }

                var (onPage, at) = await shown;
                if (onPage)
                {
                    onScreen.Add(Stopwatch.GetElapsedTime(clicked, at).TotalMilliseconds);
                }
                else
                {
                    lost.Add($"{shiftId}: published in {logged:0} ms, but the lead's page did not say so within a minute");
                }

                // How long until the app serves files with the publish in them.
                while (await TagAsync(http) == tag)
                {
                    Assert.True(Stopwatch.GetElapsedTime(clicked) < TimeSpan.FromSeconds(60), "the files did not change within a minute of a publish");
                    await Task.Delay(50);
                }

                fresh.Add(Stopwatch.GetElapsedTime(clicked).TotalMilliseconds);
                await Task.Delay(TimeSpan.FromSeconds(1));
            }

            await downloads.CancelAsync();
            var served = await downloader;
            output.WriteLine($"{placementName}: publish of a 56-entry batch in the app (its transaction, from its log) while 50 clients download, after one warm-up: "
                + $"{LoadTools.Summary(times.Skip(1).ToList())} (target p95 < 300 ms); each: {string.Join(", ", times.Select(ms => ms.ToString("0", CultureInfo.InvariantCulture)))} ms");
            output.WriteLine($"{placementName}: each publish's reading/planning/saving/committing ms: {string.Join(", ", phases)}");
            output.WriteLine($"{placementName}: garbage collection pausing the app during each publish: {LoadTools.Summary(collecting.Skip(1).ToList())}; the publishes with a collection: {string.Join("; ", collected)}");
            output.WriteLine($"{placementName}: click to 'Published' on the lead's screen: {LoadTools.Summary(onScreen.Skip(1).ToList())}");
            output.WriteLine($"{placementName}: click to new files served (debounce 500 ms included): {LoadTools.Summary(fresh.Skip(1).ToList())}");
            output.WriteLine($"{placementName}: the downloaders meanwhile: {served:#,0} req/s in all; load average at the end {LoadAverage()}");
        }

        foreach (var line in lost)
        {
            output.WriteLine($"not measured: {line}");
        }

        output.WriteLine($"app's warnings and errors: {string.Join(" | ", AppProblem().Matches(app.Output).Take(20).Select(m => m.Value.ReplaceLineEndings(" ")))}");
        Assert.Empty(lost);
        output.WriteLine($"app's resident memory: {LoadTools.ResidentBytes(app.ProcessId) / 1024.0 / 1024.0:0} MB");
    }

    private enum WrkPlacement
    {
        TestSession,
        OwnSession,
        ClientsApart,
    }

    /// <summary>The publish's time in the app, its phases and the app's garbage collection pauses meanwhile, from the line it logs when it has committed; null if none comes within a minute.</summary>
    private static async Task<(double Milliseconds, double GarbageCollectionMilliseconds, string Collections, string Phases)?> LoggedPublishAsync(AppServer app, int printedBefore)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromMinutes(1))
        {
            if (LoadTools.PublishLog().Match(app.Output[printedBefore..]) is { Success: true } line)
            {
                return (double.Parse(line.Groups["ms"].Value, CultureInfo.InvariantCulture), double.Parse(line.Groups["gc"].Value, CultureInfo.InvariantCulture), line.Groups["collections"].Value + $"; the publish allocated {line.Groups["allocated"].Value} MB",
                    $"{line.Groups["read"].Value}/{line.Groups["plan"].Value}/{line.Groups["save"].Value}/{line.Groups["commit"].Value}");
            }

            await Task.Delay(20);
        }

        return null;
    }

    /// <summary>
    /// The states CSV's current tag, by HEAD: a GET would read its 4 MB into the test's memory twenty
    /// times a second while it waits, and the collections that garbage causes in the test's process
    /// would land in the next publish's time.
    /// </summary>
    private static async Task<string?> TagAsync(HttpClient http)
    {
        using var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/api/v1/states/daily.csv"));
        response.EnsureSuccessStatusCode();
        return response.Headers.ETag?.Tag;
    }

    /// <summary>Requests per second wrk reached; checks every answer was a 200 of the expected size.</summary>
    private async Task<double> WrkAsync(string url, long? size, int connections = 32, int? seconds = null, CancellationToken cancellationToken = default,
        WrkPlacement placement = WrkPlacement.TestSession, string[]? script = null)
    {
        var ownSession = placement != WrkPlacement.TestSession;
        // setsid execs wrk in the same process (a child is never a group leader), so the pid is wrk's.
        var start = new ProcessStartInfo(ownSession ? "setsid" : "wrk") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (ownSession ? ["wrk"] : Array.Empty<string>()).Concat(["-t2", $"-c{connections}", $"-d{seconds ?? Seconds}s", url, .. script ?? []]))
        {
            start.ArgumentList.Add(argument);
        }

        using var wrk = Process.Start(start)!;
        if (placement == WrkPlacement.ClientsApart)
        {
            output.WriteLine($"wrk placed: {await LoadTools.LowerAsync([wrk.Id])}");
        }

        var reading = wrk.StandardOutput.ReadToEndAsync(CancellationToken.None);
        try
        {
            await wrk.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // wrk prints its summary when interrupted.
            using var interrupt = Process.Start("kill", ["-INT", wrk.Id.ToString(CultureInfo.InvariantCulture)]);
            await interrupt.WaitForExitAsync(CancellationToken.None);
            await wrk.WaitForExitAsync(CancellationToken.None);
        }

        var text = await reading;
        Assert.DoesNotContain("Non-2xx", text, StringComparison.Ordinal);
        var rate = double.Parse(RequestsPerSecond().Match(text).Groups[1].Value, CultureInfo.InvariantCulture);
        if (size is { } expected)
        {
            // Transfer/sec over requests/sec: the bytes of each answer, headers included.
            var transfer = TransferPerSecond().Match(text);
            var perSecond = double.Parse(transfer.Groups[1].Value, CultureInfo.InvariantCulture) * transfer.Groups[2].Value switch
            {
                "GB" => 1024.0 * 1024 * 1024,
                "MB" => 1024.0 * 1024,
                "KB" => 1024.0,
                _ => 1.0,
            };
            Assert.True(perSecond / rate >= expected * 0.98, $"{url}: {perSecond / rate:0} bytes per answer, the file is {expected}\n{text}");
        }

        return rate;
    }

    // A warning with its message line; an error or a crash with its exception's first lines as well.
    [GeneratedRegex(@"warn: [^\n]*\n[^\n]*|(?:fail|crit): [^\n]*(?:\n(?!(?:trce|dbug|info|warn|fail|crit): )[^\n]*){1,8}")]
    private static partial Regex AppProblem();

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"Transfer/sec:\s+([\d.]+)([KMG]?B)")]
    private static partial Regex TransferPerSecond();

    private static string CpuModel() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";

    private static double MemoryGiB() =>
        long.Parse(File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0 / 1024.0;

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
