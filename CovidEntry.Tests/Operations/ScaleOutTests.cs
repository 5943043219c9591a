using System.Net;
using System.Text;
using CovidEntry.App.Data;
using CovidEntry.App.Features.Audit;
using CovidEntry.App.Features.Imports;
using CovidEntry.App.Features.Shifts;
using CovidEntry.Domain.People;
using CovidEntry.Domain.Snapshots;
using CovidEntry.Tests.Browser;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CovidEntry.Tests.Operations;

/// <summary>
/// Two app instances on one database behind nginx with sticky sessions (docs/nginx-covidentry.conf),
/// started together as a deployment would start them.
/// </summary>
public sealed class ScaleOut : IAsyncLifetime
{
    public const string Password = "violet tractor monsoon ledger";

    /// <summary>Both instances try to make a snapshot every two seconds, so the test need not wait for 3 a.m.</summary>
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["ASPNETCORE_FORWARDEDHEADERS_ENABLED"] = "true",
        ["Snapshots__Enabled"] = "true",
        ["Snapshots__Schedule"] = "*/2 * * * * *",
        ["Screenshots__CaptureEnabled"] = "false",
    };

    public string ConnectionString { get; private set; } = "";

    public AppServer[] Instances { get; private set; } = [];

    public Nginx Proxy { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        ConnectionString = await TestCluster.CreateDatabaseAsync("scaleout");
        Instances = await Task.WhenAll(AppServer.StartAsync(ConnectionString, environment: Settings), AppServer.StartAsync(ConnectionString, environment: Settings));
        Proxy = await Nginx.StartAsync(Instances[0].BaseUrl, Instances[1].BaseUrl);
    }

    public async Task DisposeAsync()
    {
        if (Proxy is not null)
        {
            await Proxy.DisposeAsync();
        }

        foreach (var instance in Instances)
        {
            await instance.DisposeAsync();
        }
    }

    /// <summary>What both instances and nginx said, to explain a failure.</summary>
    public string Output => $"instance 1:\n{Instances[0].Output}\ninstance 2:\n{Instances[1].Output}\nnginx:\n{Proxy.ErrorLog}";

    public WebApplication Services() => TestApp.Build(ConnectionString);

    public Task<string> CreatePersonAsync(string displayName, params string[] roles) =>
        TestApp.CreatePersonAsync(ConnectionString, displayName, Password, roles);
}

public sealed class ScaleOutTests(ScaleOut scaleOut) : IClassFixture<ScaleOut>
{
    [Fact]
    public async Task ASignInMadeThroughOneInstanceIsValidOnTheOther()
    {
        var email = await scaleOut.CreatePersonAsync("Sam Scale", Roles.Volunteer);
        using var visitor = new AccountClient(scaleOut.Proxy.BaseUrl);

        // The first answer pins the visitor to whichever instance gave it.
        using (var first = await visitor.Http.GetAsync("Account/Login"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        var pinned = InstanceOf(visitor);
        var other = pinned == "1" ? "2" : "1";
        Assert.Contains(pinned, new[] { "1", "2" });

        // The sign-in form comes from one instance and is posted to the other: its antiforgery
        // token (protected with the keys in PostgreSQL) is accepted there.
        using (var signIn = await visitor.SignInAsync(email, ScaleOut.Password, beforePosting: () => PinTo(visitor, other)))
        {
            Assert.True(signIn.StatusCode == HttpStatusCode.Redirect && new Uri(visitor.Http.BaseAddress!, signIn.Headers.Location!).AbsolutePath == "/",
                $"Signing in answered {(int)signIn.StatusCode} {signIn.Headers.Location}\n{scaleOut.Output}");
        }

        Assert.Equal(other, InstanceOf(visitor));
        Assert.NotNull(visitor.SignInCookieValue);

        // The sign-in cookie the second instance issued opens a volunteer's page on the first.
        foreach (var instance in new[] { pinned, other })
        {
            PinTo(visitor, instance);
            using var work = await visitor.Http.GetAsync("work");
            var html = await work.Content.ReadAsStringAsync();
            Assert.True(work.StatusCode == HttpStatusCode.OK, $"/work on instance {instance} answered {(int)work.StatusCode} {work.Headers.Location}");
            Assert.Equal(instance, InstanceOf(visitor));
            Assert.Contains(email, html, StringComparison.Ordinal);
            Assert.Contains("Sign out", html, StringComparison.Ordinal);
        }

        // Without the sign-in cookie, neither instance lets anyone in.
        using var stranger = new AccountClient(scaleOut.Proxy.BaseUrl);
        using var refused = await stranger.Http.GetAsync("work");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Contains("/Account/Login", refused.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOpenPageStaysWithItsInstanceAndCarriesOnOnTheOtherAfterAReload()
    {
        var email = await scaleOut.CreatePersonAsync("Vic Sticky", Roles.Volunteer);
        var passPath = await AssignPassAsync(email, "VT");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = scaleOut.Proxy.BaseUrl + "/" });
        await using var vic = await BrowserUser.CreateAsync("Vic", context);
        await vic.SignInAsync(email, ScaleOut.Password);
        var pinned = await InstanceOfAsync(context);

        // The page's circuit lives on the pinned instance, reached over a WebSocket through nginx.
        await vic.OpenAsync(passPath);
        var positive = vic.Page.Locator("input[data-metric='positive']");
        await positive.FillAsync("12,345");
        await Expect(vic.Page.GetByTestId("draft-status")).ToContainTextAsync("Draft saved at", new() { Timeout = 15_000 });
        Assert.Equal(pinned, await InstanceOfAsync(context));
        Assert.True(vic.ReceivedText("Draft saved at"), "The saved-draft line came by HTTP, not over the circuit's WebSocket.");

        // As if the pinned instance were taken out: the next load lands on the other one, which
        // knows the sign-in and resumes the draft, and its own circuit saves the next field.
        var other = pinned == "1" ? "2" : "1";
        await context.AddCookiesAsync([new Microsoft.Playwright.Cookie { Name = Nginx.InstanceCookie, Value = other, Url = scaleOut.Proxy.BaseUrl }]);
        await vic.OpenAsync(passPath);
        Assert.Equal(other, await InstanceOfAsync(context));
        await Expect(positive).ToHaveValueAsync("12,345");
        await vic.Page.Locator("input[data-metric='negative']").FillAsync("98,765");
        await Expect(vic.Page.GetByTestId("draft-status")).ToContainTextAsync("Draft saved at", new() { Timeout = 15_000 });
        Assert.Equal(other, await InstanceOfAsync(context));

        await using var app = scaleOut.Services();
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<CovidEntryDbContext>>().CreateDbContextAsync();
        var entryId = Guid.Parse(passPath.Split('/')[1]);
        var draft = await db.PassDrafts.AsNoTracking().SingleAsync(d => d.EntryId == entryId);
        Assert.Equal("12,345", draft.Texts["positive"]);
        Assert.Equal("98,765", draft.Texts["negative"]);
    }

    [Fact]
    public async Task TheScheduledSnapshotIsMadeOnceAcrossBothInstances()
    {
        // Both instances have been trying every two seconds since they started; with nothing
        // published they made nothing. Now something is published.
        await ImportNewYorkAsync();
        var printed = scaleOut.Instances.Select(i => i.Output.Length).ToArray();

        await using var app = scaleOut.Services();
        var factory = app.Services.GetRequiredService<IDbContextFactory<CovidEntryDbContext>>();
        long lastVersion;
        await using (var db = await factory.CreateDbContextAsync())
        {
            lastVersion = await App.Features.History.PublishedIds.LastAsync(db);
        }

        // Wait until both instances have run the schedule at least twice more, so both had
        // their chance at the new snapshot (the first run may have begun before the import).
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (scaleOut.Instances.Select((instance, i) => ScheduledRuns(instance.Output[printed[i]..])).Any(runs => runs < 3))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), $"The instances did not run the schedule three times in a minute.\n{scaleOut.Output}");
            await Task.Delay(500);
        }

        await using (var db = await factory.CreateDbContextAsync())
        {
            var snapshots = await db.Snapshots.AsNoTracking().ToListAsync();
            var made = Assert.Single(snapshots);
            Assert.Equal(SnapshotState.Published, made.State);
            Assert.Equal(lastVersion, made.LastVersionId);
        }

        var madeBy = scaleOut.Instances.Count(i => i.Output.Contains("Scheduled snapshot: Snapshot published", StringComparison.Ordinal));
        Assert.Equal(1, madeBy);

        // Two instances appending to the audit chain at once leave it whole.
        var chain = await app.Services.LinkAndVerifyAsync();
        AuditChecks.AssertIntact(chain);
    }

    [Fact]
    public async Task ABurstOfPublicDownloadsReachesTheInstancesOnlyOncePerFileAndEncoding()
    {
        // Importing the same file twice writes nothing, so this leaves the snapshot test's count alone.
        await ImportNewYorkAsync();
        const string Path = "/api/v1/states/daily.csv";
        using var direct = new HttpClient();
        var expected = "";
        foreach (var instance in scaleOut.Instances)
        {
            // Each instance serves the files made after the import within seconds.
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (!(expected = await direct.GetStringAsync(instance.BaseUrl + Path)).Contains("\"NY\"", StringComparison.Ordinal))
            {
                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), $"An instance still serves no NY rows.\n{scaleOut.Output}");
                await Task.Delay(200);
            }
        }

        var before = scaleOut.Proxy.AccessLog.Count;
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri(scaleOut.Proxy.BaseUrl) };
        async Task<(HttpStatusCode Status, string Body, string? Encoding)> GetAsync(string path, string? acceptEncoding)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (acceptEncoding is not null)
            {
                request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
            }

            using var response = await http.SendAsync(request);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            var encoding = response.Content.Headers.ContentEncoding.SingleOrDefault();
            var body = encoding == "gzip"
                ? new StreamReader(new System.IO.Compression.GZipStream(new MemoryStream(bytes), System.IO.Compression.CompressionMode.Decompress)).ReadToEnd()
                : Encoding.UTF8.GetString(bytes);
            return (response.StatusCode, body, encoding);
        }

        var burst = Enumerable.Range(0, 300).Select(i => GetAsync(Path, (i % 3) switch { 0 => null, 1 => "gzip", _ => "gzip, deflate" })).ToList();
        var answers = await Task.WhenAll(burst);

        Assert.All(answers, a => Assert.Equal((HttpStatusCode.OK, expected), (a.Status, a.Body)));
        Assert.Equal(200, answers.Count(a => a.Encoding == "gzip"));
        string[] lines = [];
        var logged = System.Diagnostics.Stopwatch.StartNew();
        while ((lines = scaleOut.Proxy.AccessLog.Skip(before).Where(l => l.EndsWith("GET " + Path, StringComparison.Ordinal)).ToArray()).Length < burst.Count)
        {
            Assert.True(logged.Elapsed < TimeSpan.FromSeconds(10), $"nginx logged {lines.Length} of {burst.Count} requests");
            await Task.Delay(100);
        }

        // Two encodings asked for (none, gzip): nginx asked the instances at most once for each,
        // and answered everything else from its cache.
        var reachedApp = lines.Count(l => !l.StartsWith("-|", StringComparison.Ordinal));
        Assert.True(reachedApp <= 2, $"{reachedApp} of {burst.Count} requests reached an instance:\n{string.Join('\n', lines.Take(20))}");
    }

    private static int ScheduledRuns(string output) =>
        output.Split("Scheduled snapshot:").Length - 1;

    private static string InstanceOf(AccountClient visitor) =>
        visitor.Cookies.GetCookies(visitor.Http.BaseAddress!)[Nginx.InstanceCookie]?.Value ?? "";

    private static void PinTo(AccountClient visitor, string instance) =>
        visitor.Cookies.Add(visitor.Http.BaseAddress!, new System.Net.Cookie(Nginx.InstanceCookie, instance, "/"));

    private static async Task<string> InstanceOfAsync(IBrowserContext context) =>
        (await context.CookiesAsync()).Single(c => c.Name == Nginx.InstanceCookie).Value;

    private async Task<string> AssignPassAsync(string email, string code)
    {
        var leadEmail = await scaleOut.CreatePersonAsync("Lee Lead", Roles.ShiftLead);
        await using var app = scaleOut.Services();
        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var lead = (await users.FindByEmailAsync(leadEmail))!;
        var volunteer = (await users.FindByEmailAsync(email))!;
        var shifts = scope.ServiceProvider.GetRequiredService<ShiftService>();
        var shiftId = await shifts.OpenAsync(new NewShiftForm { Label = "scale-out", DataDate = new DateTime(2020, 11, 20), Jurisdictions = [code] }, lead.Id);
        var entry = (await shifts.GetAsync(shiftId))!.Entries.Single();
        await shifts.AssignAsync(shiftId, entry.EntryId, 1, volunteer.Id, lead.Id);
        return $"entries/{entry.EntryId}/pass/1";
    }

    private Task ImportNewYorkAsync() =>
        TestApp.ImportCtpAsync(scaleOut.ConnectionString, CtpSample.HistoryOf("NY"), "ny.csv");
}
