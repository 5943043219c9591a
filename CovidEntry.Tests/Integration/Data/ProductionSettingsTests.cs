using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using CovidEntry.App.Components.Account;
using CovidEntry.App.Shared;
using CovidEntry.Domain.People;
using CovidEntry.Tests.Browser;
using CovidEntry.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CovidEntry.Tests.Integration;

/// <summary>The running app as the Docker image runs it: the Production environment, with its default settings.</summary>
public sealed class ProductionRunningApp : RunningApp
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Screenshots__CaptureEnabled"] = "false",
    };
}

/// <summary>
/// What the app insists on in production, attacked from outside: a forged Host header, a page of
/// another site opening the interactive pages' hub, cookies that could travel over plain HTTP, and
/// times in forms other than ISO 8601.
/// </summary>
public sealed partial class ProductionSettingsTests(ProductionRunningApp app) : IClassFixture<ProductionRunningApp>
{
    [Theory]
    [InlineData("evil.example")]
    [InlineData("127.0.0.1.evil.example")]
    [InlineData("localhost.evil.example:443")]
    [InlineData("10.0.0.7")]
    public async Task ARequestForAForeignHostNameIsRefusedWith400(string host)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(app.BaseUrl) };
        foreach (var path in new[] { "/", "/Account/Login", "/api/v1/states/info.json", "/_blazor/negotiate?negotiateVersion=1" })
        {
            using var request = new HttpRequestMessage(path.StartsWith("/_blazor", StringComparison.Ordinal) ? HttpMethod.Post : HttpMethod.Get, path);
            request.Headers.Host = host;
            using var response = await http.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{host} {path}: {(int)response.StatusCode}");
        }
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    public async Task TheLoopbackNamesAreAnswered(string name)
    {
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/Account/Login");
        request.Headers.Host = $"{name}:{new Uri(app.BaseUrl).Port}";
        using var response = await http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, app.Output);
    }

    [Fact]
    public async Task TheAppRefusesToStartInProductionAnsweringEveryHostName()
    {
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => AppServer.StartAsync(app.ConnectionString, environment: new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["AllowedHosts"] = "*",
        }));
        Assert.Contains("exited with code 1 ", refused.Message);
        Assert.Contains("CovidEntry cannot start: AllowedHosts is \"*\"", refused.Message);
        Assert.DoesNotContain("Unhandled exception", refused.Message);
    }

    [Fact]
    public async Task EveryCookieTheAppSetsIsSecureEvenOverPlainHttp()
    {
        var email = await app.CreatePersonAsync("Sean Secure", Roles.Volunteer);
        var twoFactor = await app.CreatePersonAsync("Tess Twostep", Roles.Volunteer);
        await app.EnableAuthenticatorAsync(twoFactor);
        var browser = new CookieJar(app.BaseUrl);

        await browser.SignInAsync(email);
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(HttpMethod.Get, "work")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await browser.SendAsync(HttpMethod.Get, "Account/KeepAlive")).StatusCode);
        var manage = await (await browser.SendAsync(HttpMethod.Get, "Account/Manage")).Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SendAsync(HttpMethod.Post, "Account/Logout", Fields(manage))).StatusCode);

        var other = new CookieJar(app.BaseUrl);
        await other.SignInAsync(twoFactor, expectTwoFactor: true);

        var cookies = browser.SetCookies.Concat(other.SetCookies).ToList();
        foreach (var name in new[] { ".AspNetCore.Antiforgery", AccountClient.SignInCookie, SignInDevices.CookieName, "Identity.TwoFactorUserId" })
        {
            Assert.Contains(cookies, c => c.StartsWith(name, StringComparison.Ordinal));
        }

        Assert.All(cookies, c => Assert.Matches("(?i);\\s*secure(;|$)", c));
    }

    [Theory]
    [InlineData("http://evil.example")]
    [InlineData("null")]
    [InlineData("https://127.0.0.1.evil.example")]
    [InlineData("http://localhost:1")]
    public async Task TheInteractivePagesHubRefusesAPageOfAnotherSite(string origin)
    {
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        using var negotiate = new HttpRequestMessage(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1");
        negotiate.Headers.Add("Origin", origin);
        using var refused = await http.SendAsync(negotiate);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(BlazorHubOrigin.Message, await refused.Content.ReadAsStringAsync());

        // The WebSocket itself, with a connection negotiated by the site's own page.
        var token = await NegotiateAsync(http, OwnOrigin);
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", origin);
        socket.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(HubSocket(token), CancellationToken.None));
        Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);
    }

    [Fact]
    public async Task TheInteractivePagesHubAnswersThePagesOfItsOwnSite()
    {
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        var token = await NegotiateAsync(http, OwnOrigin);

        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", OwnOrigin);
        await socket.ConnectAsync(HubSocket(token), CancellationToken.None);
        Assert.Equal(WebSocketState.Open, socket.State);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
    }

    [Theory]
    [InlineData("12/15/2020")]
    [InlineData("2020-12-15 00:00")]
    [InlineData("15 Dec 2020")]
    [InlineData("Tue, 15 Dec 2020 00:00:00 GMT")]
    [InlineData("2020-12-15T00:00:00 +02:00")]
    public async Task AnAsOfThatIsNotIso8601IsRefusedWithAMessage(string asOf)
    {
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        foreach (var path in new[] { "/api/v1/states/daily.csv", "/api/v1/us/daily.json", "/api/v2/states/NY/daily.json", "/data/NY" })
        {
            using var response = await http.GetAsync($"{path}?asOf={Uri.EscapeDataString(asOf)}");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path}?asOf={asOf}: {(int)response.StatusCode}");
            Assert.Contains("2020-12-15T00:00Z", body);
        }
    }

    [Theory]
    [InlineData("2020-12-15")]
    [InlineData("2020-12-15T00:00Z")]
    [InlineData("2020-12-15T02:00+02:00")]
    [InlineData("2020-12-15T00:00:00.0000000+00:00")]
    public async Task AnIso8601AsOfIsRead(string asOf)
    {
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        foreach (var path in new[] { "/api/v1/states/daily.csv", "/api/v1/us/daily.json", "/data/NY" })
        {
            using var response = await http.GetAsync($"{path}?asOf={Uri.EscapeDataString(asOf)}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}?asOf={asOf}: {(int)response.StatusCode}");
        }
    }

    /// <summary>Chromium keeps Secure cookies for http://127.0.0.1: a production build run locally still signs people in.</summary>
    [Fact]
    public async Task ChromiumSignsInAndOpensAnInteractivePageOverPlainHttpOnLoopback()
    {
        var email = await app.CreatePersonAsync("Cleo Chromium", Roles.Volunteer);
        using var playwright = await Playwright.CreateAsync();
        await using var chromium = await Chromium.LaunchAsync(playwright);
        await using var context = await chromium.NewContextAsync(new BrowserNewContextOptions { BaseURL = app.BaseUrl + "/" });
        var person = await BrowserUser.CreateAsync("Cleo", context);

        await person.SignInAsync(email, RunningApp.Password);
        await person.OpenAsync("work");
        await Expect(person.Page.GetByRole(AriaRole.Heading, new() { Name = "My work" })).ToBeVisibleAsync();
        var cookies = await context.CookiesAsync();
        Assert.Contains(cookies, c => c.Name == AccountClient.SignInCookie && c.Secure);
    }

    private string OwnOrigin => new Uri(app.BaseUrl).GetLeftPart(UriPartial.Authority);

    private Uri HubSocket(string token) => new($"ws://{new Uri(app.BaseUrl).Authority}/_blazor?id={Uri.EscapeDataString(token)}");

    private static async Task<string> NegotiateAsync(HttpClient http, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1");
        request.Headers.Add("Origin", origin);
        using var response = await http.SendAsync(request);
        var json = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"negotiate: {(int)response.StatusCode} {json}");
        return JsonDocument.Parse(json).RootElement.GetProperty("connectionToken").GetString()!;
    }

    private static Dictionary<string, string> Fields(string html) =>
        HiddenInput().Matches(html).GroupBy(m => m.Groups["name"].Value)
            .ToDictionary(g => g.Key, g => WebUtility.HtmlDecode(g.First().Groups["value"].Value));

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]+)\" value=\"(?<value>[^\"]*)\"")]
    private static partial Regex HiddenInput();

    /// <summary>
    /// A visitor keeping its cookies by hand: .NET's cookie container, like a browser on another
    /// host than loopback, will not send a Secure cookie over http, and these tests run on http.
    /// Every Set-Cookie it receives is kept for the test to read.
    /// </summary>
    private sealed class CookieJar(string baseUrl)
    {
        private readonly HttpClient _http = new(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(baseUrl) };
        private readonly Dictionary<string, string> _cookies = [];

        public List<string> SetCookies { get; } = [];

        public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, IReadOnlyDictionary<string, string>? form = null)
        {
            using var request = new HttpRequestMessage(method, path);
            if (_cookies.Count > 0)
            {
                request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
            }

            if (form is not null)
            {
                request.Content = new FormUrlEncodedContent(form);
            }

            var response = await _http.SendAsync(request);
            if (response.Headers.TryGetValues("Set-Cookie", out var set))
            {
                foreach (var cookie in set)
                {
                    SetCookies.Add(cookie);
                    var pair = cookie.Split(';')[0];
                    var eq = pair.IndexOf('=');
                    var (name, value) = (pair[..eq], pair[(eq + 1)..]);
                    if (value.Length == 0 || cookie.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase))
                    {
                        _cookies.Remove(name);
                    }
                    else
                    {
                        _cookies[name] = value;
                    }
                }
            }

            return response;
        }

        public async Task SignInAsync(string email, bool expectTwoFactor = false)
        {
            var page = await (await SendAsync(HttpMethod.Get, "Account/Login")).Content.ReadAsStringAsync();
            var fields = Fields(page);
            fields["Input.Email"] = email;
            fields["Input.Password"] = RunningApp.Password;
            var response = await SendAsync(HttpMethod.Post, "Account/Login", fields);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            var to = new Uri(_http.BaseAddress!, response.Headers.Location!).AbsolutePath;
            Assert.Equal(expectTwoFactor ? "/Account/LoginWith2fa" : "/", to);
        }
    }
}
