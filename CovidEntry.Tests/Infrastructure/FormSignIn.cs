using System.Net;
using System.Text.RegularExpressions;

namespace CovidEntry.Tests.Infrastructure;

/// <summary>
/// Signs a cookie-keeping <see cref="HttpClient"/> in the way a browser does: it opens the login
/// page, and posts its form back with the antiforgery token the page carried.
/// </summary>
public static partial class FormSignIn
{
    public const string AuthenticationCookie = ".AspNetCore.Identity.Application";

    public static async Task SignInAsync(this HttpClient client, string email, string password)
    {
        var form = await FormFieldsAsync(client, "/Account/Login");
        form["Input.Email"] = email;
        form["Input.Password"] = password;
        using var response = await client.PostAsync("/Account/Login", new FormUrlEncodedContent(form));

        var body = await response.Content.ReadAsStringAsync();
        var to = response.Headers.Location is { } location ? new Uri(client.BaseAddress!, location).AbsolutePath : null;
        Assert.True(response.StatusCode == HttpStatusCode.Redirect && to == "/",
            $"Signing in {email} answered {(int)response.StatusCode} {response.Headers.Location}: {body[..Math.Min(body.Length, 2000)]}");
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(AuthenticationCookie + "=", StringComparison.Ordinal));
    }

    /// <summary>
    /// An antiforgery request token for whoever the client is now (tokens are bound to the
    /// signed-in person), to send as the <c>RequestVerificationToken</c> header. The sign-in pages
    /// treat everyone as signed out, so a signed-in client takes it from its account page.
    /// </summary>
    public static async Task<string> AntiforgeryTokenAsync(this HttpClient client)
    {
        using var account = await client.GetAsync("/Account/Manage");
        return (await FormFieldsAsync(client, account.StatusCode == HttpStatusCode.OK ? "/Account/Manage" : "/Account/Login"))["__RequestVerificationToken"];
    }

    /// <summary>The hidden fields of the page's form: the antiforgery token and which form it is.</summary>
    private static async Task<Dictionary<string, string>> FormFieldsAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {html[..Math.Min(html.Length, 2000)]}");
        // Signed in, the layout's sign-out form comes first and carries a token too; any of them will do.
        var fields = new Dictionary<string, string>();
        foreach (Match input in HiddenInput().Matches(html))
        {
            fields.TryAdd(input.Groups["name"].Value, WebUtility.HtmlDecode(input.Groups["value"].Value));
        }

        Assert.True(fields.ContainsKey("__RequestVerificationToken"), $"{path} carries no antiforgery token.");
        return fields;
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]+)\" value=\"(?<value>[^\"]*)\"")]
    private static partial Regex HiddenInput();
}
