using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using CovidEntry.App.Features.Shifts;
using CovidEntry.Domain.People;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CovidEntry.Tests.Benchmarks;

/// <summary>
/// A shift under load for twelve minutes (four of warm-up, then eight measured): 50 volunteers in
/// their own browser contexts open pass after pass, read the source, type each number and submit,
/// while a lead publishes a 56-entry batch every 30 seconds through the review page. 49 volunteers
/// share one Chromium in the idle scheduling class and an idle CPU group (their computers, squeezed
/// onto this one; see <see cref="LoadTools.LowerClientPriorityAsync"/>); one volunteer and the lead have a
/// Chromium of their own at normal priority, as on their own computers. Measures every interaction
/// in the page's own clock (keystroke to the server's redraw of the field, submit to "Submitted"),
/// the server's own handling of each event, the publishes, the server's memory and CPU, what
/// PostgreSQL logged as slow or waiting, and every error. Opt-in:
/// <c>dotnet test CovidEntry.Tests -c Release --filter "FullyQualifiedName~SoakBenchmarks" --logger "console;verbosity=detailed"</c>
/// (<c>BENCH_SESSIONS</c>, <c>BENCH_MINUTES</c>, <c>BENCH_WARMUP_MINUTES</c> change the defaults 50, 12, 4).
/// Warm-up lasts four minutes because Blazor keeps a circuit for three minutes after its page is
/// left (<c>DisconnectedCircuitRetentionPeriod</c>): the 50 sign-in pages' circuits, left in the
/// first minute, are gone only then, and the memory "after warm-up" must not count them.
/// </summary>
[Trait("Category", "Benchmark")]
public sealed partial class SoakBenchmarks(ITestOutputHelper output)
{
    private static readonly int Sessions = Setting("BENCH_SESSIONS", 50);
    private static readonly TimeSpan Duration = TimeSpan.FromMinutes(Setting("BENCH_MINUTES", 12));
    private static readonly TimeSpan WarmUp = TimeSpan.FromMinutes(Setting("BENCH_WARMUP_MINUTES", 4));
    private static readonly int CrowdRenderers = Setting("BENCH_CROWD_RENDERERS", 0);
    private static readonly TimeSpan PublishEvery = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan InteractionTimeout = TimeSpan.FromSeconds(30);

    private const int FieldsPerPass = 8;
    private const string Password = TestDatabase.Password;

    // In every page: when the last key or pointer went down, when the server last redrew a field's
    // line under it (the value's change from the previous day, computed on the server for each
    // keystroke), when the submit outcome appeared and when "Published" did; when the pass form
    // became ready to take keys, counted from the start of the page's navigation; a promise to wait
    // for each without polling. All in the page's own clock, whatever the test process is doing.
    private const string Probe = """
        window.__input = 0; window.__echo = 0; window.__outcome = 0; window.__published = 0; window.__ready = 0; window.__waiters = [];
        for (const type of ["keydown", "pointerdown"]) {
            document.addEventListener(type, () => { window.__input = performance.now(); }, true);
        }
        window.__after = (name) => new Promise(resolve => {
            const check = () => window[name] > window.__input ? (resolve(window[name] - window.__input), true) : false;
            if (!check()) { window.__waiters.push(check); }
        });
        new MutationObserver(records => {
            const now = performance.now();
            for (const record of records) {
                const element = record.target.nodeType === 1 ? record.target : record.target.parentElement;
                if (element && element.closest && element.closest(".metric-field .mud-input-helper-text")) { window.__echo = now; }
            }
            if (!window.__ready && document.querySelector("[data-testid='entry-form'][data-keyboard='ready']")) { window.__ready = now; }
            if (document.getElementById("submit-outcome") && window.__outcome < window.__input) { window.__outcome = now; }
            const message = document.getElementById("review-message");
            if (message && message.textContent.includes("Published") && window.__published < window.__input) { window.__published = now; }
            window.__waiters = window.__waiters.filter(check => !check());
        }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ["data-keyboard"] });
        """;

    [Fact]
    public async Task FiftyVolunteersThroughAShiftWhileALeadPublishes()
    {
        var database = new TestDatabase();
        await database.InitializeAsync();
        try
        {
            await RunAsync(database);
        }
        finally
        {
            await database.DisposeAsync();
        }
    }

    private async Task RunAsync(TestDatabase database)
    {
        var arranging = Stopwatch.StartNew();
        var plan = await ArrangeAsync(database);

        // PostgreSQL's side of the run: it logs, for this database only, statements slower than
        // 100 ms and waits for a lock longer than 100 ms.
        var databaseName = new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString).Database!;
        var serverLog = Path.Combine((await TestCluster.ClusterAsync()).ClusterDirectory, "server.log");
        // Logging settings are the superuser's to set.
        await using (var connection = new Npgsql.NpgsqlConnection(TestCluster.AsRole(database.ConnectionString, App.Data.DatabaseRole.Super)))
        {
            await connection.OpenAsync();
            foreach (var setting in new[] { "log_min_duration_statement = 100", "log_lock_waits = on", "deadlock_timeout = 100" })
            {
                // The name is the test's own database; the settings are the constants above.
                await using var alter = new Npgsql.NpgsqlCommand($"ALTER DATABASE \"{databaseName}\" SET {setting}", connection);
                await alter.ExecuteNonQueryAsync();
            }
        }

        var logBefore = new FileInfo(serverLog).Length;
        Report($"arranged in {arranging.Elapsed.TotalSeconds:0} s: {Sessions} volunteers with {plan.Volunteers.Sum(v => v.Passes.Count):#,0} passes to enter, "
            + $"{plan.PublishShifts.Count} batches of 56 entries ready to publish");

        await using var app = await Browser.AppServer.StartAsync(database.ConnectionString, environment: LoadTools.AppSettings);
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl + "/") };
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Browser.Chromium.LaunchAsync(playwright,
            CrowdRenderers > 0 ? [$"--renderer-process-limit={CrowdRenderers}"] : null);

        var errors = new ConcurrentQueue<string>();
        var crowd = new List<(Volunteer Who, IPage Page)>();
        foreach (var volunteer in plan.Volunteers.Skip(1))
        {
            crowd.Add((volunteer, await OpenSessionAsync(browser, app.BaseUrl, volunteer.Email, errors)));
        }

        var crowdPlacing = await LoadTools.LowerClientPriorityAsync();

        // The probe: one volunteer and the lead in a browser of their own at normal priority, as on
        // their own computers, so their numbers show what a person sees while the crowd loads the server.
        var crowdBrowsers = LoadTools.ProcessIds("chromium");
        await using var probeBrowser = await Browser.Chromium.LaunchAsync(playwright);
        var probe = (Who: plan.Volunteers[0], Page: await OpenSessionAsync(probeBrowser, app.BaseUrl, plan.Volunteers[0].Email, errors));
        var lead = await OpenSessionAsync(probeBrowser, app.BaseUrl, plan.LeadEmail, errors);
        var probeBrowsers = LoadTools.ProcessIds("chromium").Except(crowdBrowsers).ToList();
        await LoadTools.RestoreNormalPriorityAsync(probeBrowsers);

        var crowdMeasures = new Measures();
        var probeMeasures = new Measures();
        var publishes = new List<(TimeSpan At, double OnScreenMs, string Message)>();
        var memory = new List<(TimeSpan At, long Managed, long Resident)>();
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(Duration);
        var printedBefore = app.Output.Length;
        var serverCpuBefore = LoadTools.CpuTime(app.ProcessId);
        var serverWaitBefore = LoadTools.RunQueueWait([app.ProcessId]);
        var probeCpuBefore = LoadTools.CpuTime(probeBrowsers);
        var postgresWaitBefore = LoadTools.ProcessIds("postgres").ToDictionary(id => id, id => LoadTools.RunQueueWait([id]));
        await using var counters = await ServerCounters.StartAsync(app.ProcessId, Duration);

        var typing = crowd.Select((v, i) => VolunteerAsync(v.Who, v.Page, i + 1, clock, stop.Token, crowdMeasures, errors))
            .Append(VolunteerAsync(probe.Who, probe.Page, 0, clock, stop.Token, probeMeasures, errors)).ToList();
        var publishing = LeadAsync(lead, plan.PublishShifts, clock, stop.Token, publishes, errors);
        var sampling = Task.Run(async () =>
        {
            // A forced full collection pauses the server, so the managed heap is read twice only: once
            // warm-up is over, and at the end. The resident memory is free to read every ten seconds.
            var warmHeapTaken = false;
            while (!stop.IsCancellationRequested)
            {
                var managed = !warmHeapTaken && clock.Elapsed >= WarmUp ? await LoadTools.ManagedBytesAsync(http) : 0;
                warmHeapTaken |= managed > 0;
                lock (memory)
                {
                    memory.Add((clock.Elapsed, managed, LoadTools.ResidentBytes(app.ProcessId)));
                }

                await Task.Delay(TimeSpan.FromSeconds(10), CancellationToken.None);
            }
        });
        await Task.WhenAll([.. typing, publishing, sampling]);
        var ranFor = clock.Elapsed;
        var serverCpu = LoadTools.CpuTime(app.ProcessId) - serverCpuBefore;
        var serverWait = LoadTools.RunQueueWait([app.ProcessId]) - serverWaitBefore;
        var probeCpu = LoadTools.CpuTime(probeBrowsers) - probeCpuBefore;
        // Connections opened during the run count from zero; those closed during it are not counted.
        var postgresWait = LoadTools.ProcessIds("postgres")
            .Aggregate(TimeSpan.Zero, (sum, id) => sum + LoadTools.RunQueueWait([id]) - postgresWaitBefore.GetValueOrDefault(id));
        var eventHandling = await counters.ResultsAsync();
        var endManaged = await LoadTools.ManagedBytesAsync(http);
        var endResident = LoadTools.ResidentBytes(app.ProcessId);

        var appErrors = app.Output[printedBefore..].Split('\n')
            .Where(line => line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal)).ToList();
        var publishLines = LoadTools.PublishLog().Matches(app.Output[printedBefore..]).ToList();
        List<double> Phase(string name) => [.. publishLines.Select(m => double.Parse(m.Groups[name].Value, CultureInfo.InvariantCulture))];
        var serverPublishMs = Phase("ms");

        Report($"ran {ranFor.TotalMinutes:0.0} min with {Sessions} volunteers, warm-up {WarmUp.TotalMinutes:0} min; "
            + $"{crowdMeasures.Submits.Count + probeMeasures.Submits.Count:#,0} passes submitted, {crowdMeasures.Keystrokes.Count + probeMeasures.Keystrokes.Count:#,0} keystrokes");
        Report("interactions: keystroke -> field redrawn by the server; submit -> 'Submitted' shown (target p95 < 150 ms)");
        ReportMeasures("  the probe volunteer (own browser at normal priority, as on their own computer)", probeMeasures);
        ReportMeasures($"  the other {Sessions - 1} (browsers sharing what CPU the server leaves: {crowdPlacing})", crowdMeasures);
        Report($"  in the server, handling each browser event (aspnetcore.components.handle_event.duration by dotnet-counters: its percentiles per {ServerCounters.Interval.TotalSeconds:0} s interval, their median and worst over the run): {eventHandling}");
        Report($"server CPU: {serverCpu.TotalSeconds:0} s in {ranFor.TotalSeconds:0} s, {serverCpu / ranFor * 100:0}% of one core (the machine has two)");
        Report($"waiting for a CPU while ready to run (schedstat): the server's threads {serverWait.TotalSeconds:0.0} s, PostgreSQL's processes {postgresWait.TotalSeconds:0.0} s");
        Report($"the probe's browser (normal priority) used {probeCpu.TotalSeconds:0} s of CPU, {probeCpu / ranFor * 100:0}% of one core");
        Report($"publishes of 56-entry batches: {publishes.Count}; in the server (transaction, from its log): {LoadTools.Summary(serverPublishMs)} (target p95 < 300 ms)");
        if (serverPublishMs.Count == publishes.Count)
        {
            // One lead publishes one batch at a time, so the log's lines are the publishes in order.
            Report($"  in the server, after warm-up: {LoadTools.Summary(serverPublishMs.Where((_, i) => publishes[i].At >= WarmUp).ToList())}; "
                + $"each in order: {string.Join(", ", serverPublishMs.Select(ms => ms.ToString("0", CultureInfo.InvariantCulture)))} ms");
        }

        Report($"  its parts: reading the batch {LoadTools.Summary(Phase("read"))}; planning {LoadTools.Summary(Phase("plan"))}; saving (rows and audit events) {LoadTools.Summary(Phase("save"))}; committing {LoadTools.Summary(Phase("commit"))}");
        Report($"  click -> 'Published' on the lead's screen (the publish, then the review page redrawn): {LoadTools.Summary(publishes.Select(p => p.OnScreenMs).ToList())}");
        Report($"  {string.Join(" | ", publishes.Select(p => p.Message).Distinct().Take(3))}");
        var warm = memory.Where(m => m.At >= WarmUp && m.Managed > 0).Select(m => m.Managed).FirstOrDefault();
        var warmResident = memory.Where(m => m.At >= WarmUp).Select(m => m.Resident).FirstOrDefault();
        Report($"server memory, managed heap after a full collection: {warm / 1048576.0:0} MB after warm-up, {endManaged / 1048576.0:0} MB at the end: "
            + $"{Change(endManaged, warm)} (target within 10%)");
        Report($"server resident memory: first after warm-up {warmResident / 1048576.0:0} MB, highest {memory.Max(m => m.Resident) / 1048576.0:0} MB, end {endResident / 1048576.0:0} MB: {Change(endResident, warmResident)}; "
            + $"each minute: {string.Join(", ", memory.Where((_, i) => i % 6 == 0).Select(m => $"{m.Resident / 1048576.0:0}"))} MB");
        Report($"PostgreSQL, statements over 100 ms and lock waits over 100 ms during the run: {PostgresSlowness(serverLog, logBefore)}");
        Report($"errors: {errors.Count} in the browsers or interactions, {appErrors.Count} logged by the app");
        foreach (var error in errors.Take(10).Concat(appErrors.Take(10)))
        {
            Report($"  {error}");
        }

        Assert.NotEmpty(crowdMeasures.Submits);
    }

    private void ReportMeasures(string who, Measures measures)
    {
        var interactions = measures.Keystrokes.Concat(measures.Submits).ToList();
        Report($"{who}:");
        Report($"    every interaction: {LoadTools.Summary(interactions.Select(x => x.Ms).ToList())}");
        Report($"    after warm-up: {LoadTools.Summary(interactions.Where(x => x.At >= WarmUp).Select(x => x.Ms).ToList())}");
        Report($"    keystrokes: {LoadTools.Summary(measures.Keystrokes.Select(x => x.Ms).ToList())}; submits: {LoadTools.Summary(measures.Submits.Select(x => x.Ms).ToList())}");
        Report($"    opening the next pass page (navigation until the form takes keys): {LoadTools.Summary(measures.Opens.Select(x => x.Ms).ToList())}");
    }

    /// <summary>What one group of volunteers' pages measured, each with when in the run it happened.</summary>
    private sealed class Measures
    {
        public ConcurrentQueue<(TimeSpan At, double Ms)> Keystrokes { get; } = new();
        public ConcurrentQueue<(TimeSpan At, double Ms)> Submits { get; } = new();
        public ConcurrentQueue<(TimeSpan At, double Ms)> Opens { get; } = new();
    }

    private async Task<IPage> OpenSessionAsync(IBrowser browser, string baseUrl, string email, ConcurrentQueue<string> errors)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl + "/" });
        await context.AddInitScriptAsync(Probe);
        var page = await context.NewPageAsync();
        page.PageError += (_, error) => errors.Enqueue($"{email}: page error {error}");
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Enqueue($"{email}: console {message.Text} ({message.Location}, on {page.Url})");
            }
        };
        await LoadTools.SignInAsync(page, email, Password);
        return page;
    }

    private static async Task VolunteerAsync(Volunteer volunteer, IPage page, int seed, Stopwatch clock, CancellationToken stop,
        Measures measures, ConcurrentQueue<string> errors)
    {
        var random = new Random(seed);

        // Volunteers start over a minute, as a shift does, not all in the same second.
        await Pause(TimeSpan.FromMilliseconds(random.Next(0, 60_000)), stop);
        foreach (var pass in volunteer.Passes)
        {
            if (stop.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await page.GotoAsync(pass.Path);
                await Expect(page.Locator("[data-testid='entry-form'][data-keyboard='ready']")).ToHaveCountAsync(1, new() { Timeout = 60_000 });
                measures.Opens.Enqueue((clock.Elapsed, await page.EvaluateAsync<double>("() => window.__ready")));

                ILocator? last = null;
                foreach (var (metric, text) in pass.Values)
                {
                    // A volunteer reads the next number off the source before typing it.
                    await Pause(TimeSpan.FromMilliseconds(random.Next(1000, 3000)), stop);
                    if (stop.IsCancellationRequested)
                    {
                        return;
                    }

                    last = page.Locator($"input[data-metric='{metric}']");
                    await last.ClickAsync();
                    foreach (var key in text)
                    {
                        await last.PressAsync(key.ToString());
                        measures.Keystrokes.Enqueue((clock.Elapsed, await AfterAsync(page, "__echo")));
                        await Task.Delay(random.Next(60, 200), CancellationToken.None);
                    }
                }

                await last!.PressAsync("Control+Enter");
                measures.Submits.Enqueue((clock.Elapsed, await AfterAsync(page, "__outcome")));
                var outcome = await page.Locator("#submit-outcome").TextContentAsync();
                if (outcome?.Contains("Submitted", StringComparison.Ordinal) != true)
                {
                    errors.Enqueue($"{volunteer.Email} {pass.Path}: submit said \"{outcome}\"");
                }

                await Pause(TimeSpan.FromMilliseconds(random.Next(1000, 4000)), stop);
            }
            catch (Exception ex) when (ex is PlaywrightException or TimeoutException)
            {
                errors.Enqueue($"{volunteer.Email} {pass.Path}: {ex.GetType().Name} {ex.Message.Split('\n')[0]}");
            }
        }

        errors.Enqueue($"{volunteer.Email} ran out of passes before the end");
    }

    /// <summary>Milliseconds from the last key to the moment the page saw <paramref name="mark"/> change.</summary>
    private static async Task<double> AfterAsync(IPage page, string mark) =>
        await page.EvaluateAsync<double>($"() => window.__after('{mark}')").WaitAsync(InteractionTimeout);

    private static async Task LeadAsync(IPage lead, IReadOnlyList<Guid> shifts, Stopwatch clock, CancellationToken stop,
        List<(TimeSpan, double, string)> publishes, ConcurrentQueue<string> errors)
    {
        foreach (var (shiftId, i) in shifts.Select((s, i) => (s, i)))
        {
            try
            {
                // The lead has the batch's review open before it is time to publish it.
                await lead.GotoAsync($"shifts/{shiftId}/review");
                var publish = lead.GetByRole(AriaRole.Button, new() { Name = "Publish batch" });
                await Expect(publish).ToBeEnabledAsync(new() { Timeout = 60_000 });
                var due = PublishEvery * (i + 1) - clock.Elapsed;
                await Pause(due, stop);
                if (stop.IsCancellationRequested)
                {
                    return;
                }

                await publish.ClickAsync();
                var onScreen = await lead.EvaluateAsync<double>("() => window.__after('__published')").WaitAsync(TimeSpan.FromSeconds(60));
                publishes.Add((clock.Elapsed, onScreen, (await lead.Locator("#review-message").TextContentAsync())!));
            }
            catch (Exception ex) when (ex is PlaywrightException or TimeoutException)
            {
                errors.Enqueue($"lead publishing shift {shiftId}: {ex.GetType().Name} {ex.Message.Split('\n')[0]}");
            }
        }
    }

    private static async Task Pause(TimeSpan time, CancellationToken stop)
    {
        if (time <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await Task.Delay(time, stop);
        }
        catch (OperationCanceledException)
        {
            // The run is over: the caller sees the token and stops.
        }
    }

    /// <summary>What PostgreSQL logged since <paramref name="from"/>: slow statements by kind, and lock waits.</summary>
    private static string PostgresSlowness(string serverLog, long from)
    {
        using var stream = new FileStream(serverLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(from, SeekOrigin.Begin);
        var lines = new StreamReader(stream).ReadToEnd().Split('\n');
        var slow = lines.Select(l => SlowStatement().Match(l)).Where(m => m.Success)
            .Select(m => (Ms: double.Parse(m.Groups["ms"].Value, CultureInfo.InvariantCulture), Sql: string.Join(' ', m.Groups["sql"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))))
            .ToList();
        var waits = lines.Count(l => l.Contains("still waiting for", StringComparison.Ordinal));
        var kinds = slow.GroupBy(s => s.Sql.Length > 70 ? s.Sql[..70] : s.Sql).OrderByDescending(g => g.Sum(s => s.Ms)).Take(5)
            .Select(g => $"{g.Count()}x max {g.Max(s => s.Ms):0} ms \"{g.Key}\"");
        return $"{slow.Count} slow statements, {waits} lock waits. {string.Join("; ", kinds)}";
    }

    [GeneratedRegex(@"duration: (?<ms>[0-9.]+) ms\s+(?:statement|execute [^:]*|bind [^:]*|parse [^:]*):\s*(?<sql>.*)$")]
    private static partial Regex SlowStatement();

    private static string Change(long now, long then) =>
        then == 0 ? "n/a" : $"{(now - then) * 100.0 / then:+0.0;-0.0}%";

    private void Report(string line) => output.WriteLine(line);

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var value) ? value : fallback;

    private sealed record PassToEnter(string Path, IReadOnlyList<(string Metric, string Text)> Values);

    private sealed record Volunteer(string Email, List<PassToEnter> Passes);

    private sealed record Plan(string LeadEmail, IReadOnlyList<Volunteer> Volunteers, IReadOnlyList<Guid> PublishShifts);

    /// <summary>
    /// The CTP sample published; open shifts for the days after it with each pass given to a
    /// volunteer (pass 1 and pass 2 of an entry to different people); and one 56-entry batch per
    /// planned publish, double-entered and approved, for days further on.
    /// </summary>
    private static async Task<Plan> ArrangeAsync(TestDatabase database)
    {
        var (loop, values) = await PlausibleValues.ArrangeAsync(database);
        string leadEmail;
        await using (var db = await database.DbAsync())
        {
            leadEmail = await db.Users.Where(u => u.Id == loop.Lead).Select(u => u.Email!).SingleAsync();
        }

        var volunteers = new List<Volunteer>();
        var ids = new List<string>();
        for (var i = 0; i < Sessions; i++)
        {
            var (id, email) = await database.CreatePersonAsync($"Soak Volunteer {i:00}", Roles.Volunteer);
            volunteers.Add(new Volunteer(email, []));
            ids.Add(id);
        }

        // Enough work for the whole run: about 25 s a pass, so a volunteer needs ~2.5 passes a minute.
        var shifts = database.Get<ShiftService>();
        var entriesNeeded = (int)(Sessions * Duration.TotalMinutes * 3 / 2) + Sessions;
        var random = new Random(7);
        var k = 0;
        for (var date = PlausibleValues.LastImported.AddDays(1); k < entriesNeeded; date = date.AddDays(1))
        {
            var shiftId = await shifts.OpenAsync(new NewShiftForm { Label = $"{date:yyyy-MM-dd} soak", DataDate = date.ToDateTime(TimeOnly.MinValue), Jurisdictions = values.Codes }, loop.Lead);
            foreach (var entry in (await shifts.GetAsync(shiftId))!.Entries)
            {
                for (var pass = 1; pass <= 2; pass++)
                {
                    var who = (k + (pass == 1 ? 0 : Sessions / 2)) % Sessions;
                    await shifts.AssignAsync(shiftId, entry.EntryId, pass, ids[who], loop.Lead);
                    var by = random.Next(1, 90);
                    var typed = values.Fields(entry.Code).Take(FieldsPerPass).Select(key => (key, values.Raised(entry.Code, key, by))).ToList();
                    volunteers[who].Passes.Add(new PassToEnter($"entries/{entry.EntryId}/pass/{pass}", typed));
                }

                k++;
            }
        }

        var publishShifts = await values.ReadyBatchesAsync(loop, (int)(Duration / PublishEvery), new DateOnly(2020, 12, 1));
        return new Plan(leadEmail, volunteers, publishShifts);
    }
}
