using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components.Endpoints;
using CovidEntry.Domain.People;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.StaticAssets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CovidEntry.Tests.Integration;

/// <summary>
/// The app as Program.cs runs it, with a volunteer, a lead and an admin signed in through the
/// real login form (cookies, antiforgery), and an anonymous visitor.
/// </summary>
public sealed class RouteMatrixFixture : IAsyncLifetime
{
    private readonly TestDatabase _database = new();
    private readonly Dictionary<string, (HttpClient Client, string Token)> _visitors = [];
    private readonly Dictionary<string, string> _emails = [];

    public InProcessApp App { get; private set; } = null!;

    public (HttpClient Client, string Token) Visitor(string name) => _visitors[name];

    /// <summary>
    /// The same visitor in a browser of their own, signed in afresh: for a request that ends its
    /// session (signing out really signs out), so the shared visitor stays signed in for the rest.
    /// </summary>
    public async Task<(HttpClient Client, string Token)> SecondSessionAsync(string name)
    {
        var client = App.NewClient();
        if (_emails.TryGetValue(name, out var email))
        {
            await client.SignInAsync(email, TestDatabase.Password);
        }

        return (client, await client.AntiforgeryTokenAsync());
    }

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        var people = new Dictionary<string, string>
        {
            [RouteAccessTable.Volunteer] = (await _database.CreatePersonAsync("Vic Volunteer", Roles.Volunteer)).Email,
            [RouteAccessTable.Lead] = (await _database.CreatePersonAsync("Lee Lead", Roles.ShiftLead)).Email,

            // Admin alone, without the other roles: an admin must reach the leads' pages by that role.
            [RouteAccessTable.Admin] = (await _database.CreatePersonAsync("Ada Admin", Roles.Admin)).Email,
        };

        App = await InProcessApp.StartAsync(_database.ConnectionString);
        foreach (var visitor in RouteAccessTable.Visitors)
        {
            var client = App.NewClient();
            if (people.TryGetValue(visitor, out var email))
            {
                _emails[visitor] = email;
                await client.SignInAsync(email, TestDatabase.Password);
            }

            _visitors[visitor] = (client, await client.AntiforgeryTokenAsync());
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var (client, _) in _visitors.Values)
        {
            client.Dispose();
        }

        if (App is not null)
        {
            await App.DisposeAsync();
        }

        await _database.DisposeAsync();
    }
}

/// <summary>
/// Every route the running app answers, checked for an anonymous visitor, a volunteer, a lead and
/// an admin against <see cref="RouteAccessTable"/>.
/// </summary>
public partial class RouteAccessTests(RouteMatrixFixture fixture) : IClassFixture<RouteMatrixFixture>
{
    [Fact]
    public void EveryRouteOfTheAppHasARowInTheAccessTable()
    {
        var routes = Routes().Select(r => r.Key).Distinct().ToList();

        var missing = routes.Where(r => !RouteAccessTable.Rows.ContainsKey(r)).Order(StringComparer.Ordinal).ToList();
        var gone = RouteAccessTable.Rows.Keys.Except(routes).Order(StringComparer.Ordinal).ToList();

        Assert.True(missing.Count == 0,
            "These routes have no row in RouteAccessTable (CovidEntry.Tests/Integration/Access/RouteAccessTable.cs); add one saying who may open each:\n  "
            + string.Join("\n  ", missing));
        Assert.True(gone.Count == 0, "RouteAccessTable has rows for routes the app no longer has; remove them:\n  " + string.Join("\n  ", gone));
    }

    [Fact]
    public async Task EveryRouteLetsThroughExactlyWhomTheTableSays()
    {
        var requests = Routes()
            .Where(r => RouteAccessTable.Rows.ContainsKey(r.Key))
            .SelectMany(r => Methods(r.Endpoint).Select(method => (r.Key, Method: method, Path: SamplePath(r.Endpoint.RoutePattern))))
            .Distinct()
            .ToList();

        var checks = RouteAccessTable.Visitors.Select(async visitor =>
        {
            var (client, token) = fixture.Visitor(visitor);
            var problems = new List<string>();
            foreach (var (key, method, path) in requests)
            {
                var expected = RouteAccessTable.Rows[key].For(visitor);
                var (actual, answer) = key == SignOutRoute
                    ? await SignOutInASecondSessionAsync(visitor, method, path)
                    : await RequestAsync(client, token, method, path);
                if (actual != expected)
                {
                    problems.Add($"{visitor,-9} {method,-4} {path} (row \"{key}\"): expected {expected}, got {actual} ({answer})");
                }
            }

            return problems;
        });
        var problems = (await Task.WhenAll(checks)).SelectMany(p => p).ToList();

        Assert.True(requests.Count > 100, $"Only {requests.Count} requests: the app's routes were not all found.");
        Assert.True(problems.Count == 0, $"{problems.Count} of {requests.Count * RouteAccessTable.Visitors.Length} checks differ from RouteAccessTable:\n"
            + string.Join("\n", problems));
        foreach (var visitor in RouteAccessTable.Visitors.Where(v => v != RouteAccessTable.Anonymous))
        {
            // A request above must not have signed anyone out, or later rows would prove nothing.
            using var response = await fixture.Visitor(visitor).Client.GetAsync("/Account/Manage");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"The {visitor} is no longer signed in after the checks.");
        }
    }

    [Fact]
    public async Task ASignedInVolunteerIsDeniedAPageOfLeadsWhileAnAnonymousVisitorIsSentToSignIn()
    {
        // The two refusals differ, and the matrix relies on telling them apart.
        var (anonymous, _) = fixture.Visitor(RouteAccessTable.Anonymous);
        var (volunteer, _) = fixture.Visitor(RouteAccessTable.Volunteer);

        using var toSignIn = await anonymous.GetAsync("/shifts");
        using var denied = await volunteer.GetAsync("/shifts");

        Assert.Equal((HttpStatusCode.Redirect, "/Account/Login"), (toSignIn.StatusCode, new Uri(fixture.App.Address, toSignIn.Headers.Location!).AbsolutePath));
        Assert.Equal((HttpStatusCode.Redirect, "/Account/AccessDenied"), (denied.StatusCode, new Uri(fixture.App.Address, denied.Headers.Location!).AbsolutePath));

        // The denial is on the audit trail; being sent to sign in is not a denial.
        await using var db = await fixture.App.Services.GetRequiredService<IDbContextFactory<CovidEntry.App.Data.CovidEntryDbContext>>().CreateDbContextAsync();
        var denials = await db.AuditEvents.Where(e => e.Action == CovidEntry.Domain.Audit.AuditAction.AccessDenied && e.EntityKey == "/shifts").ToListAsync();
        Assert.NotEmpty(denials);
        Assert.All(denials, e => Assert.NotNull(e.UserId));
    }

    private const string SignOutRoute = "/Account/Logout";

    private async Task<(Outcome Outcome, string Answer)> SignOutInASecondSessionAsync(string visitor, string method, string path)
    {
        var (client, token) = await fixture.SecondSessionAsync(visitor);
        using (client)
        {
            return await RequestAsync(client, token, method, path);
        }
    }

    /// <summary>Every route endpoint of the app with its table key; all static files share one row.</summary>
    private IEnumerable<(string Key, RouteEndpoint Endpoint)> Routes() =>
        fixture.App.Endpoints.Select(e => (
            e.Metadata.GetMetadata<StaticAssetDescriptor>() is not null ? RouteAccessTable.StaticAssets : e.RoutePattern.RawText ?? e.DisplayName ?? "?",
            e));

    /// <summary>
    /// The methods to try: each the endpoint accepts (HEAD goes the way of GET), GET when it names none.
    /// A POST carries a valid antiforgery token and no form, so it passes authorization and the
    /// antiforgery check but changes nothing.
    /// </summary>
    private static IEnumerable<string> Methods(RouteEndpoint endpoint)
    {
        var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
        return methods.Count == 0 ? [HttpMethods.Get] : methods.Where(m => !(HttpMethods.IsHead(m) && methods.Contains(HttpMethods.Get)));
    }

    private static string SamplePath(RoutePattern pattern)
    {
        var path = new StringBuilder();
        foreach (var segment in pattern.PathSegments)
        {
            path.Append('/');
            foreach (var part in segment.Parts)
            {
                path.Append(part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternSeparatorPart separator => separator.Content,
                    RoutePatternParameterPart parameter => RouteAccessTable.Samples.TryGetValue(parameter.Name, out var sample)
                        ? sample
                        : throw new InvalidOperationException(
                            $"Route \"{pattern.RawText}\" has a parameter {{{parameter.Name}}} with no sample value: add one to RouteAccessTable.Samples."),
                    _ => throw new InvalidOperationException($"Route \"{pattern.RawText}\" has a part of an unknown kind."),
                });
            }
        }

        return path.Length == 0 ? "/" : path.ToString();
    }

    private static async Task<(Outcome Outcome, string Answer)> RequestAsync(HttpClient client, string token, string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (!HttpMethods.IsGet(method))
        {
            // A form post as a browser makes it, naming no form of the page: nothing is submitted.
            request.Content = new FormUrlEncodedContent([new("__RequestVerificationToken", token)]);
        }

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var status = (int)response.StatusCode;
        var to = response.Headers.Location is { } location ? new Uri(client.BaseAddress!, location) : null;
        var answer = to is null ? $"{status}" : $"{status} to {to.PathAndQuery}";

        // The cookie handler's challenge and forbid say where to come back to; a page that sends
        // someone to the login page itself (a stale confirmation link, say) does not.
        var fromAuthorization = to is not null && to.Query.StartsWith("?ReturnUrl=", StringComparison.Ordinal);
        return status switch
        {
            401 => (Outcome.SignIn, answer),
            403 => (Outcome.Denied, answer),
            >= 300 and < 400 when fromAuthorization && to!.AbsolutePath == "/Account/Login" => (Outcome.SignIn, answer),
            >= 300 and < 400 when fromAuthorization && to!.AbsolutePath == "/Account/AccessDenied" => (Outcome.Denied, answer),
            >= 500 => (Outcome.ServerError, $"{answer}: {Flatten(await response.Content.ReadAsStringAsync())}"),
            _ => (Outcome.Allowed, answer),
        };
    }

    /// <summary>The developer exception page as one line of text: the exception and its stack.</summary>
    private static string Flatten(string html) => WhiteSpace().Replace(WebUtility.HtmlDecode(Tags().Replace(html, " ")), " ").Trim();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex("\\s+")]
    private static partial Regex WhiteSpace();
}
