using System.Net;
using System.Text.RegularExpressions;

namespace CovidEntry.Tests.Infrastructure;

/// <summary>
/// One visitor of the running app over plain HTTP: keeps its cookies, follows no redirects (the
/// tests look at them), and fills the static Account forms the way a browser posts them.
/// </summary>
public sealed partial class AccountClient : IDisposable
{
    public const string SignInCookie = ".AspNetCore.Identity.Application";

    private readonly Uri _baseAddress;

    /// <param name="forwardedFor">
    /// The client address to claim in X-Forwarded-For, for an app that trusts forwarded headers
    /// (ASPNETCORE_FORWARDEDHEADERS_ENABLED): how a test visits from many networks.
    /// </param>
    public AccountClient(string baseUrl, string? forwardedFor = null)
    {
        _baseAddress = new Uri(baseUrl.TrimEnd('/') + "/");
        HttpMessageHandler handler = new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false };
        if (forwardedFor is not null)
        {
            handler = new ForwardedFor(forwardedFor, handler);
        }

        Http = new HttpClient(handler) { BaseAddress = _baseAddress };
    }

    public Uri BaseAddress => _baseAddress;

    public CookieContainer Cookies { get; } = new();

    public HttpClient Http { get; }

    /// <summary>The sign-in cookie's value, or null while signed out.</summary>
    public string? SignInCookieValue => Cookies.GetCookies(_baseAddress)[SignInCookie]?.Value;

    public Task<HttpResponseMessage> SignInAsync(string email, string password, Action? beforePosting = null) =>
        PostFormAsync("Account/Login", "login", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        }, beforePosting);

    /// <summary>
    /// Opens the page, takes the named form's hidden fields (antiforgery token, handler) and posts it
    /// with the given fields; <paramref name="beforePosting"/> runs between the two (to change cookies, say).
    /// </summary>
    public async Task<HttpResponseMessage> PostFormAsync(string path, string formName, IReadOnlyDictionary<string, string> fields, Action? beforePosting = null)
    {
        var page = await Http.GetAsync(path);
        var html = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.OK, $"GET {path} answered {(int)page.StatusCode}:\n{html}");

        var form = Forms().Matches(html).Select(m => m.Value).FirstOrDefault(f => f.Contains($"value=\"{formName}\"", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{path} has no form named {formName}:\n{html}");
        var values = new Dictionary<string, string>();
        foreach (Match input in HiddenInputs().Matches(form))
        {
            values[WebUtility.HtmlDecode(input.Groups["name"].Value)] = WebUtility.HtmlDecode(input.Groups["value"].Value);
        }

        foreach (var (name, value) in fields)
        {
            values[name] = value;
        }

        beforePosting?.Invoke();
        return await Http.PostAsync(path, new FormUrlEncodedContent(values));
    }

    /// <summary>Signs out through the layout's sign-out form (with its antiforgery token).</summary>
    public async Task<HttpResponseMessage> SignOutAsync()
    {
        var page = await Http.GetStringAsync("Account/Manage");
        var form = Forms().Matches(page).Select(m => m.Value).First(f => f.Contains("action=\"Account/Logout\"", StringComparison.Ordinal));
        var values = HiddenInputs().Matches(form).ToDictionary(
            m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        return await Http.PostAsync("Account/Logout", new FormUrlEncodedContent(values));
    }

    /// <summary>The value of one cookie this visitor holds, or null.</summary>
    public string? CookieValue(string name) => Cookies.GetAllCookies().FirstOrDefault(c => c.Name == name)?.Value;

    public void Dispose() => Http.Dispose();

    private sealed class ForwardedFor(string address, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Remove("X-Forwarded-For");
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", address);
            return base.SendAsync(request, cancellationToken);
        }
    }

    [GeneratedRegex(@"<form[\s\S]*?</form>")]
    private static partial Regex Forms();

    [GeneratedRegex("""<input type="hidden" name="(?<name>[^"]*)" value="(?<value>[^"]*)"\s*/?>""")]
    private static partial Regex HiddenInputs();
}
