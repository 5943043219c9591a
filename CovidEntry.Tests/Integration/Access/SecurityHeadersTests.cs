using System.Net;
using System.Text.RegularExpressions;
using CovidEntry.Tests.Infrastructure;
using Microsoft.AspNetCore.HttpsPolicy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CovidEntry.Tests.Integration;

[Collection(DefaultRunningAppCollection.Name)]
public sealed partial class SecurityHeadersTests(DefaultRunningApp app)
{
    [Fact]
    public async Task APageCarriesAPolicyThatAllowsOnlyItsOwnScriptsAndItsImportMap()
    {
        using var visitor = app.NewClient();
        var response = await visitor.Http.GetAsync("Account/Login");
        var html = await response.Content.ReadAsStringAsync();

        var policy = Directives(response);
        var nonce = WebUtility.HtmlDecode(ImportMapNonce().Match(html).Groups["nonce"].Value);
        Assert.False(string.IsNullOrEmpty(nonce), "the import map carries no nonce");
        Assert.Equal($"'self' 'nonce-{nonce}'", policy["script-src"]);
        Assert.Equal("'self' 'unsafe-inline'", policy["style-src"]);
        Assert.Equal("'self' data: blob:", policy["img-src"]);
        Assert.StartsWith("'self'", policy["connect-src"]);
        Assert.Equal("'none'", policy["frame-ancestors"]);
        Assert.Equal("'self'", policy["base-uri"]);
        Assert.Equal("'self'", policy["form-action"]);
        Assert.Equal("'none'", policy["object-src"]);
        AssertCommonHeaders(response);

        // Each page gets a nonce of its own.
        var again = await visitor.Http.GetAsync("Account/Login");
        Assert.NotEqual(policy["script-src"], Directives(again)["script-src"]);
    }

    [Fact]
    public async Task AnApiResponseMayLoadNothingAndCannotBeFramed()
    {
        using var visitor = app.NewClient();

        // Once the files are made (cacheable), the exact address is answered ahead of the endpoints
        // (DirectPublicFiles) and one with a query by its endpoint: both carry the headers.
        await Eventually.ReadAsync(async () => (await visitor.Http.GetAsync("api/v1/states/info.json")).Headers.CacheControl?.ToString() ?? "",
            cacheControl => cacheControl.Contains("max-age", StringComparison.Ordinal), TimeSpan.FromMinutes(1));
        foreach (var path in new[] { "api/v1/states/info.json", "api/v1/states/info.json?via=endpoint" })
        {
            var response = await visitor.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

            var policy = Directives(response);
            Assert.Equal("'none'", policy["default-src"]);
            Assert.Equal("'none'", policy["frame-ancestors"]);
            AssertCommonHeaders(response);
        }
    }

    [Fact]
    public async Task TheApiReferencePageGetsScalarsNonceInItsPolicy()
    {
        using var visitor = app.NewClient();
        var response = await visitor.Http.GetAsync("api/docs/");
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var nonces = ScriptNonces().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups["nonce"].Value)).Distinct().ToList();
        Assert.Single(nonces);
        var policy = Directives(response);
        Assert.Equal($"'self' 'nonce-{nonces[0]}'", policy["script-src"]);
        Assert.Equal("'none'", policy["frame-ancestors"]);
        AssertCommonHeaders(response);
    }

    [Fact]
    public async Task ANotFoundPageCarriesTheHeadersToo()
    {
        using var visitor = app.NewClient();
        var response = await visitor.Http.GetAsync("no-such-page");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("'none'", Directives(response)["frame-ancestors"]);
        AssertCommonHeaders(response);
    }

    [Fact]
    public async Task StrictTransportSecurityIsAskedForAYearOutsideDevelopment()
    {
        // The running app is in Development over plain HTTP, where UseHsts sends nothing by design.
        await using var services = TestApp.Build(app.ConnectionString);
        var hsts = services.Services.GetRequiredService<IOptions<HstsOptions>>().Value;
        Assert.True(hsts.MaxAge >= TimeSpan.FromDays(365), $"HSTS max-age is {hsts.MaxAge}");
    }

    private static void AssertCommonHeaders(HttpResponseMessage response)
    {
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("strict-origin-when-cross-origin", Header(response, "Referrer-Policy"));
    }

    private static Dictionary<string, string> Directives(HttpResponseMessage response) =>
        Header(response, "Content-Security-Policy")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => d.Split(' ', 2))
            .ToDictionary(d => d[0], d => d.Length > 1 ? d[1] : "");

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values)
        : response.Content.Headers.TryGetValues(name, out var contentValues) ? string.Join(",", contentValues)
        : throw new Xunit.Sdk.XunitException($"{response.RequestMessage?.RequestUri} has no {name} header.");

    [GeneratedRegex("""<script type="importmap" nonce="(?<nonce>[^"]+)">""")]
    private static partial Regex ImportMapNonce();

    [GeneratedRegex("""<script[^>]* nonce="(?<nonce>[^"]+)""")]
    private static partial Regex ScriptNonces();
}
