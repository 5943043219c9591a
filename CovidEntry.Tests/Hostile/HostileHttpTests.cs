using System.Net;
using System.Text.Json;

namespace CovidEntry.Tests.Hostile;

/// <summary>The real app (every endpoint and page) over HTTP, on a database with the CTP sample imported.</summary>
public sealed class HostileHttpFixture : IAsyncLifetime
{
    private InProcessApp? _app;

    public TestDatabase Database { get; } = new();

    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        await Database.ImportCtpAsync(File.ReadAllText(CtpSample.HistoryFile));
        _app = await InProcessApp.StartAsync(Database.ConnectionString);
        Http = _app.NewClient();
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        await Database.DisposeAsync();
    }
}

/// <summary>
/// Hostile strings in every route value and query parameter of the public endpoints and pages: a 4xx (never a
/// 5xx), problem details with a sentence where the endpoint gives a body, and the database unchanged.
/// </summary>
public class HostileHttpTests(HostileHttpFixture fixture) : IClassFixture<HostileHttpFixture>
{
    public const string Group = "HTTP";

    /// <summary>Each public route with one place ({v}) for a hostile value; the rest is a valid request.</summary>
    private static readonly string[] Places =
    [
        "/api/v1/states/{v}/daily.csv",
        "/api/v1/states/{v}/daily.json",
        "/api/v1/states/NY/daily.{v}",
        "/api/v1/states/daily.{v}",
        "/api/v1/states/current.{v}",
        "/api/v1/us/daily.{v}",
        "/api/v1/states/info.{v}",
        "/api/v2/states/{v}/daily.json",
        "/api/v2/states/{v}/screenshots.json",
        "/api/v2/states/NY/screenshots.json?page={v}",
        "/screenshots/{v}",
        "/screenshots/{v}/thumbnail",
        "/data/snapshots/{v}/manifest.json",
        "/data/snapshots/{v}/changelog.json",
        "/data/snapshots/{v}/states-daily.csv",
        "/data/snapshots/00000000-0000-0000-0000-000000000000/{v}",
        "/data/snapshots/latest/{v}",
        "/data/snapshots/{v}",
        "/data/{v}",
        "/data/NY?asOf={v}",
        "/data/{v}/screenshots",
        "/data/NY/screenshots?page={v}",
        "/api/v1/states/daily.csv?asOf={v}",
        "/api/v1/states/NY/daily.json?asOf={v}",
        "/api/v1/states/current.csv?asOf={v}",
        "/api/v1/us/daily.json?asOf={v}",
        "/api/v2/states/NY/daily.json?asOf={v}",
    ];

    /// <summary>Hostile values as they go on the wire (already URL-encoded where needed).</summary>
    private static readonly (string Name, string Value)[] Values =
    [
        ("unknown code zz", "zz"),
        ("three letters", "NYX"),
        ("SQL quote trick", "NY'%20OR%20'1'='1"),
        ("SQL statement", "1;%20DROP%20TABLE%20%22ValueVersions%22;--"),
        ("encoded path traversal", "..%2F..%2F..%2Fetc%2Fpasswd"),
        ("encoded backslash traversal", "..%5C..%5Cwindows%5Cwin.ini"),
        ("encoded NUL", "NY%00"),
        ("HTML", "%3Cscript%3Ealert(1)%3C%2Fscript%3E"),
        ("right-to-left override", "%E2%80%AENY"),
        ("2,000 characters", new string('A', 2000)),
    ];

    private static readonly string[] AsOfPlaces = [.. Places.Where(p => p.Contains("asOf", StringComparison.Ordinal))];

    /// <summary>Bad times for asOf beyond the generic hostile values.</summary>
    private static readonly (string Name, string Value)[] BadTimes =
    [
        ("asOf in words", "yesterday"),
        ("asOf on 2020-02-30", "2020-02-30T00:00Z"),
        ("asOf in month 13", "2020-13-01"),
        ("asOf at hour 25", "2020-12-15T25:00Z"),
        ("asOf in year 99999", "99999-01-01"),
        ("asOf as 1e6", "1e6"),
        ("asOf in Arabic-Indic digits", "%D9%A2%D9%A0%D9%A2%D9%A0-12-15"),
        ("asOf as a Unix time", "1608000000"),
    ];

    private static readonly IReadOnlyList<(string Name, string Path)> Requests =
    [
        .. Places.SelectMany(place => Values.Select(value => ($"{Describe(place)}: {value.Name}", place.Replace("{v}", value.Value, StringComparison.Ordinal)))),
        .. AsOfPlaces.SelectMany(place => BadTimes.Select(time => ($"{Describe(place)}: {time.Name}", place.Replace("{v}", time.Value, StringComparison.Ordinal)))),
    ];

    public static IEnumerable<HostileCase> Cases() =>
        Requests.Select(r => new HostileCase(Group, r.Name, "4xx (never 5xx); problem details with a sentence where there is a body; database unchanged"));

    public static TheoryData<string> RequestNames() => [.. Requests.Select(r => r.Name)];

    [Theory]
    [MemberData(nameof(RequestNames))]
    public async Task AHostileRequestGetsA4xxWithASentenceAndChangesNothing(string name)
    {
        var path = Requests.Single(r => r.Name == name).Path;
        var before = await CountsAsync();

        using var response = await fixture.Http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();

        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{path} gave {(int)response.StatusCode}: {body}");
        if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
        {
            using var problem = JsonDocument.Parse(body);
            var detail = problem.RootElement.TryGetProperty("detail", out var d) ? d.GetString() : problem.RootElement.GetProperty("title").GetString();
            Assert.False(string.IsNullOrWhiteSpace(detail), body);
            Assert.EndsWith(".", detail, StringComparison.Ordinal);
        }

        Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(before, await CountsAsync());
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1")]
    [InlineData("%00")]
    public async Task AMalformedFlagOnTheTwoFactorStepIsNoServerError(string value)
    {
        // Without a first sign-in step the page sends the visitor back to sign in, whatever the flag says.
        using var response = await fixture.Http.GetAsync($"/Account/LoginWith2fa?RememberMe={value}");

        Assert.True((int)response.StatusCode < 500, $"gave {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>The route with its hostile place shown as …, for the case names.</summary>
    private static string Describe(string place) => place.Replace("{v}", "…", StringComparison.Ordinal);

    private async Task<string> CountsAsync()
    {
        await using var db = await fixture.Database.DbAsync();
        return await DomainCounts.TakeAsync(db);
    }
}
