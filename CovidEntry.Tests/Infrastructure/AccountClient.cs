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

    public AccountClient(string baseUrl)
    {
        _baseAddress = new Uri(baseUrl.TrimEnd('/') + "/");
        Http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = _baseAddress };
    }

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

    public void Dispose() => Http.Dispose();

    [GeneratedRegex(@"<form[\s\S]*?</form>")]
    private static partial Regex Forms();

    [GeneratedRegex("""<input type="hidden" name="(?<name>[^"]*)" value="(?<value>[^"]*)"\s*/?>""")]
    private static partial Regex HiddenInputs();
}
