using System.Net;
using CovidEntry.Domain.People;
using CovidEntry.Tests.Infrastructure;

namespace CovidEntry.Tests.Integration;

/// <summary>
/// Where the running app sends someone after signing in, after each two-factor step, and after
/// signing out: only ever to a page of its own, whatever return address a link carries, and never
/// a server error.
/// </summary>
[Collection(DefaultRunningAppCollection.Name)]
public sealed class SignInRedirectTests(DefaultRunningApp app)
{
    /// <summary>Return addresses that lead elsewhere, or that are not addresses at all.</summary>
    public static TheoryData<string> Foreign => new()
    {
        "https://evil.example/",
        "http://evil.example/work",
        "//evil.example/",
        "///evil.example/",
        "/\\evil.example/",
        "\\\\evil.example\\",
        "\\/evil.example",
        "/\t/evil.example",
        " //evil.example",
        "https:evil.example",
        "https:/\\evil.example",
        "javascript:alert(document.cookie)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "http://user:pass@evil.example/",
        "../..//evil.example",
        "/work/..//evil.example",
        "http://127.0.0.1.evil.example/",
        "/ｗｏｒｋ",
        "／／evil.example",
        "/\r\nSet-Cookie: x=y",
        new string('/', 1) + new string('a', 5000),
    };

    /// <summary>Return addresses inside the app, kept as they are.</summary>
    public static TheoryData<string, string> Local => new()
    {
        { "/work", "/work" },
        { "work", "/work" },
        { "/history/NY?asOf=2020-12-15T00%3A00Z", "/history/NY?asOf=2020-12-15T00%3A00Z" },
        { "/%2F%2Fevil.example", "/%2F%2Fevil.example" },
    };

    [Theory]
    [MemberData(nameof(Foreign))]
    public async Task ASignInWithAForeignOrMalformedReturnUrlLandsOnTheHomePage(string returnUrl)
    {
        var email = await app.CreatePersonAsync("Rae Return", Roles.Volunteer);
        using var visitor = app.NewClient();

        var response = await SignInAsync(visitor, email, returnUrl);

        AssertSentHome(visitor, response);
        Assert.NotNull(visitor.SignInCookieValue);
    }

    [Theory]
    [MemberData(nameof(Local))]
    public async Task ASignInWithALocalReturnUrlGoesThere(string returnUrl, string expected)
    {
        var email = await app.CreatePersonAsync("Lou Local", Roles.Volunteer);
        using var visitor = app.NewClient();

        var response = await SignInAsync(visitor, email, returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var to = new Uri(visitor.BaseAddress, response.Headers.Location!);
        Assert.Equal(visitor.BaseAddress.Authority, to.Authority);
        Assert.Equal(expected, to.PathAndQuery);
    }

    [Fact]
    public async Task TheAddressOfAPageOfTheAppItselfIsKept()
    {
        var email = await app.CreatePersonAsync("Sam Same", Roles.Volunteer);
        using var visitor = app.NewClient();

        // What RedirectToLogin writes: the absolute address of the page someone was sent away from.
        var response = await SignInAsync(visitor, email, new Uri(visitor.BaseAddress, "history/NY").ToString());

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(new Uri(visitor.BaseAddress, "history/NY"), new Uri(visitor.BaseAddress, response.Headers.Location!));
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("javascript:alert(1)")]
    public async Task TheTwoFactorStepsSendOnlyToPagesOfTheApp(string returnUrl)
    {
        var email = await app.CreatePersonAsync("Tia Twofactor", Roles.Volunteer);
        var key = await app.EnableAuthenticatorAsync(email);
        var codes = await app.RecoveryCodesAsync(email);

        using var withCode = app.NewClient();
        var page = await PasswordStepAsync(withCode, email, returnUrl);
        var signedIn = await withCode.PostFormAsync(page, "login-with-2fa", new Dictionary<string, string>
        {
            ["Input.TwoFactorCode"] = Totp.Code(key, DateTimeOffset.UtcNow),
        });
        AssertSentHome(withCode, signedIn);

        using var withRecovery = app.NewClient();
        page = await PasswordStepAsync(withRecovery, email, returnUrl);
        var recovered = await withRecovery.PostFormAsync(page.Replace("LoginWith2fa", "LoginWithRecoveryCode", StringComparison.Ordinal),
            "login-with-recovery-code", new Dictionary<string, string> { ["Input.RecoveryCode"] = codes[0] });
        AssertSentHome(withRecovery, recovered);
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("javascript:alert(1)")]
    [InlineData(null)]
    public async Task SigningOutSendsOnlyToAPageOfTheApp(string? returnUrl)
    {
        var email = await app.CreatePersonAsync("Otto Out", Roles.Volunteer);
        using var visitor = app.NewClient();
        Assert.Equal(HttpStatusCode.Redirect, (await visitor.SignInAsync(email, RunningApp.Password)).StatusCode);

        var token = await visitor.Http.AntiforgeryTokenAsync();
        var fields = new Dictionary<string, string> { ["__RequestVerificationToken"] = token };
        if (returnUrl is not null)
        {
            fields["returnUrl"] = returnUrl;
        }

        var response = await visitor.Http.PostAsync("Account/Logout", new FormUrlEncodedContent(fields));

        AssertSentHome(visitor, response);
    }

    private static Task<HttpResponseMessage> SignInAsync(AccountClient visitor, string email, string returnUrl) =>
        visitor.PostFormAsync($"Account/Login?ReturnUrl={Uri.EscapeDataString(returnUrl)}", "login", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = RunningApp.Password,
        });

    private static async Task<string> PasswordStepAsync(AccountClient visitor, string email, string returnUrl)
    {
        var response = await SignInAsync(visitor, email, returnUrl);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var to = new Uri(visitor.BaseAddress, response.Headers.Location!);
        Assert.Equal("/Account/LoginWith2fa", to.AbsolutePath);
        return to.PathAndQuery.TrimStart('/');
    }

    private static void AssertSentHome(AccountClient visitor, HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            var body = System.Text.RegularExpressions.Regex.Replace(response.Content.ReadAsStringAsync().Result, "<[^>]*>", " ");
            Assert.Fail($"Expected a redirect, got {(int)response.StatusCode}: {body[..Math.Min(body.Length, 2000)]}");
        }

        var location = response.Headers.Location!.OriginalString;
        var to = new Uri(visitor.BaseAddress, location);
        Assert.Equal(visitor.BaseAddress.Authority, to.Authority);
        Assert.Equal("/", to.PathAndQuery);
        Assert.False(location.StartsWith("//", StringComparison.Ordinal) || location.Contains('\\', StringComparison.Ordinal), location);
    }
}
