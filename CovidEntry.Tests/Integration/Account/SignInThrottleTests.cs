using System.Net;
using System.Text.RegularExpressions;
using CovidEntry.App.Components.Account;
using CovidEntry.Domain.People;
using CovidEntry.Tests.Infrastructure;

namespace CovidEntry.Tests.Integration;

/// <summary>
/// The running app with a small throttle (3 free failures per account, then 30 s doubling; 6
/// failures per network address in 15 minutes), trusting X-Forwarded-For so that a test can visit
/// from many networks. Each test uses addresses of its own.
/// </summary>
public sealed class ThrottledRunningApp : RunningApp
{
    public const int FreeFailures = 3;
    public const int FirstDelaySeconds = 30;
    public const int AddressFailures = 6;

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["ASPNETCORE_FORWARDEDHEADERS_ENABLED"] = "true",
        ["Identity__SignInThrottle__FreeFailures"] = FreeFailures.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Identity__SignInThrottle__FirstDelaySeconds"] = FirstDelaySeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Identity__SignInThrottle__AddressFailures"] = AddressFailures.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Identity__SignInThrottle__AddressWindowMinutes"] = "15",
    };
}

/// <summary>
/// Attacks on sign-in against the running app: guessing from one address, from many, across many
/// accounts, at the two-factor steps, and flooding an account to keep its owner out. Only failures
/// count; nothing an outsider does locks a person out of the browser they sign in from.
/// </summary>
public sealed partial class SignInThrottleTests(ThrottledRunningApp app) : IClassFixture<ThrottledRunningApp>
{
    [Fact]
    public async Task AFloodOfWrongPasswordsDelaysOnlyBrowsersTheAdminNeverSignedInFrom()
    {
        var email = await app.CreatePersonAsync("Ada Attacked", Roles.Admin, Roles.Volunteer);
        using var own = app.NewClient("198.51.100.10");
        Assert.Equal(HttpStatusCode.Redirect, (await own.SignInAsync(email, RunningApp.Password)).StatusCode);
        Assert.NotNull(own.CookieValue(SignInDevices.CookieName));
        Assert.Equal(HttpStatusCode.Redirect, (await own.SignOutAsync()).StatusCode);

        using var attacker = app.NewClient("203.0.113.10");
        for (var guess = 1; guess <= ThrottledRunningApp.FreeFailures; guess++)
        {
            var wrong = await attacker.SignInAsync(email, $"guess number {guess}");
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            Assert.Contains(SignInAnswers.WrongPassword[7..], await wrong.Content.ReadAsStringAsync());
        }

        var delayed = await attacker.SignInAsync(email, "guess number 4");
        var seconds = await AssertThrottledAsync(delayed, "for this account");
        Assert.InRange(seconds, ThrottledRunningApp.FirstDelaySeconds - 10, ThrottledRunningApp.FirstDelaySeconds);

        // Even the right password is not checked from the attacker's browser while it waits...
        var rightButDelayed = await attacker.SignInAsync(email, RunningApp.Password);
        await AssertThrottledAsync(rightButDelayed, "for this account");
        Assert.Null(attacker.SignInCookieValue);

        // ...but the admin's own browser is let in at once, and nothing was locked.
        var back = await own.SignInAsync(email, RunningApp.Password);
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        Assert.Equal(new Uri(own.BaseAddress, "/"), new Uri(own.BaseAddress, back.Headers.Location!));
        Assert.NotNull(own.SignInCookieValue);
        var (lockoutEnd, failedCount) = await app.WithUsersAsync(async users =>
        {
            var user = (await users.FindByEmailAsync(email))!;
            return (user.LockoutEnd, user.AccessFailedCount);
        });
        Assert.Null(lockoutEnd);
        Assert.Equal(0, failedCount);
    }

    [Fact]
    public async Task GuessesAtOneAccountFromManyAddressesAreCountedTogether()
    {
        var email = await app.CreatePersonAsync("Dora Distributed", Roles.Volunteer);
        for (var i = 1; i <= ThrottledRunningApp.FreeFailures; i++)
        {
            using var bot = app.NewClient($"198.51.100.{20 + i}");
            Assert.Equal(HttpStatusCode.OK, (await bot.SignInAsync(email, $"botnet guess {i}")).StatusCode);
        }

        using var fresh = app.NewClient("198.51.100.29");
        await AssertThrottledAsync(await fresh.SignInAsync(email, "botnet guess 4"), "for this account");

        // An account that does not exist is counted the same way: the throttle tells nothing.
        for (var i = 1; i <= ThrottledRunningApp.FreeFailures; i++)
        {
            using var bot = app.NewClient($"198.51.100.{30 + i}");
            Assert.Equal(HttpStatusCode.OK, (await bot.SignInAsync("dora.nobody@example.org", $"botnet guess {i}")).StatusCode);
        }

        using var another = app.NewClient("198.51.100.39");
        await AssertThrottledAsync(await another.SignInAsync("dora.nobody@example.org", "botnet guess 4"), "for this account");
    }

    [Fact]
    public async Task AnIpv6NetworkSharesOneBudgetAcrossItsWholeSlash64()
    {
        // Each guess from another address of the same /64, each at another account.
        for (var i = 1; i <= ThrottledRunningApp.AddressFailures; i++)
        {
            using var host = app.NewClient($"2001:db8:7:7:{i:x}::{i:x}");
            Assert.Equal(HttpStatusCode.OK, (await host.SignInAsync($"spray.{i}@example.org", "Winter2020!Winter2020!")).StatusCode);
        }

        using var sameNetwork = app.NewClient("2001:db8:7:7:ffff:ffff:ffff:fffe");
        await AssertThrottledAsync(await sameNetwork.SignInAsync("spray.7@example.org", "Winter2020!Winter2020!"), "from your network address");

        // The next /64 is another network.
        using var neighbour = app.NewClient("2001:db8:7:8::1");
        Assert.Equal(HttpStatusCode.OK, (await neighbour.SignInAsync("spray.8@example.org", "Winter2020!Winter2020!")).StatusCode);
    }

    [Fact]
    public async Task AnIpv4AddressWrittenAsIpv6IsTheSameAddress()
    {
        for (var i = 1; i <= ThrottledRunningApp.AddressFailures; i++)
        {
            using var host = app.NewClient(i % 2 == 0 ? "203.0.113.77" : "::ffff:203.0.113.77");
            Assert.Equal(HttpStatusCode.OK, (await host.SignInAsync($"mapped.{i}@example.org", "guessing away")).StatusCode);
        }

        using var again = app.NewClient("::ffff:203.0.113.77");
        await AssertThrottledAsync(await again.SignInAsync("mapped.7@example.org", "guessing away"), "from your network address");
    }

    /// <summary>Issue 21: one office, one address, everyone signing in at nine.</summary>
    [Fact]
    public async Task TwelvePeopleSignInFromOneAddressWithinAMinuteAndBruteForceIsStillStopped()
    {
        const string office = "192.0.2.50";
        var people = await app.CreatePeopleAsync("Office Volunteer", 12);
        var browsers = new List<AccountClient>();
        try
        {
            foreach (var email in people)
            {
                var browser = app.NewClient(office);
                browsers.Add(browser);

                // What the sign-in page's own script asks for in the background, with the page's token.
                var page = await browser.Http.GetStringAsync("Account/Login");
                using var options = new HttpRequestMessage(HttpMethod.Post, "Account/PasskeyRequestOptions");
                options.Headers.Add("RequestVerificationToken", WebUtility.HtmlDecode(RequestToken().Match(page).Groups["token"].Value));
                Assert.Equal(HttpStatusCode.OK, (await browser.Http.SendAsync(options)).StatusCode);

                var signedIn = await browser.SignInAsync(email, RunningApp.Password);
                Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect, $"{email} could not sign in: {(int)signedIn.StatusCode}");
                Assert.NotNull(browser.SignInCookieValue);
            }

            // Someone in the office guesses at other accounts: the address's budget stops them.
            using var guesser = app.NewClient(office);
            for (var i = 1; i <= ThrottledRunningApp.AddressFailures; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await guesser.SignInAsync($"colleague.{i}@example.org", "password guess")).StatusCode);
            }

            await AssertThrottledAsync(await guesser.SignInAsync("colleague.7@example.org", "password guess"), "from your network address");

            // A person whose browser signed in here before is not held back by the guesser.
            Assert.Equal(HttpStatusCode.Redirect, (await browsers[0].SignOutAsync()).StatusCode);
            Assert.Equal(HttpStatusCode.Redirect, (await browsers[0].SignInAsync(people[0], RunningApp.Password)).StatusCode);
        }
        finally
        {
            browsers.ForEach(b => b.Dispose());
        }
    }

    [Fact]
    public async Task WrongAuthenticatorCodesAreThrottledLikePasswords()
    {
        var email = await app.CreatePersonAsync("Tom Totp", Roles.ShiftLead);
        var key = await app.EnableAuthenticatorAsync(email);
        using var visitor = app.NewClient("198.51.100.60");
        var twoFactorPage = await PasswordStepAsync(visitor, email);

        for (var i = 1; i <= ThrottledRunningApp.FreeFailures; i++)
        {
            var wrong = await visitor.PostFormAsync(twoFactorPage, "login-with-2fa", new Dictionary<string, string>
            {
                ["Input.TwoFactorCode"] = Totp.WrongCode(key, DateTimeOffset.UtcNow),
            });
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            Assert.Contains(SignInAnswers.WrongAuthenticatorCode[7..], await wrong.Content.ReadAsStringAsync());
        }

        var right = await visitor.PostFormAsync(twoFactorPage, "login-with-2fa", new Dictionary<string, string>
        {
            ["Input.TwoFactorCode"] = Totp.Code(key, DateTimeOffset.UtcNow),
        });
        await AssertThrottledAsync(right, "for this account");
        Assert.Null(visitor.SignInCookieValue);
        Assert.Null(await app.WithUsersAsync(async users => (await users.FindByEmailAsync(email))!.LockoutEnd));
    }

    [Fact]
    public async Task WrongRecoveryCodesAreThrottledLikePasswords()
    {
        var email = await app.CreatePersonAsync("Rita Recovery", Roles.Volunteer);
        await app.EnableAuthenticatorAsync(email);
        var codes = await app.RecoveryCodesAsync(email);
        using var visitor = app.NewClient("198.51.100.70");
        var twoFactorPage = await PasswordStepAsync(visitor, email);
        var recoveryPage = twoFactorPage.Replace("LoginWith2fa", "LoginWithRecoveryCode", StringComparison.Ordinal);

        for (var i = 1; i <= ThrottledRunningApp.FreeFailures; i++)
        {
            var wrong = await visitor.PostFormAsync(recoveryPage, "login-with-recovery-code", new Dictionary<string, string>
            {
                ["Input.RecoveryCode"] = $"WRONG-{i:00000}",
            });
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            Assert.Contains(SignInAnswers.WrongRecoveryCode[7..], await wrong.Content.ReadAsStringAsync());
        }

        var right = await visitor.PostFormAsync(recoveryPage, "login-with-recovery-code", new Dictionary<string, string>
        {
            ["Input.RecoveryCode"] = codes[0],
        });
        await AssertThrottledAsync(right, "for this account");
        Assert.Null(visitor.SignInCookieValue);
    }

    [Fact]
    public async Task GuessingTheCurrentPasswordFromASessionLeftOpenIsThrottledToo()
    {
        var email = await app.CreatePersonAsync("Olly Open", Roles.Volunteer);
        using var leftOpen = app.NewClient("198.51.100.80");
        Assert.Equal(HttpStatusCode.Redirect, (await leftOpen.SignInAsync(email, RunningApp.Password)).StatusCode);

        for (var i = 1; i <= ThrottledRunningApp.FreeFailures; i++)
        {
            var wrong = await leftOpen.PostFormAsync("Account/Manage/ChangePassword", "change-password", NewPassword($"guessed current {i}"));
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            Assert.Contains("Incorrect password", await wrong.Content.ReadAsStringAsync());
        }

        await AssertThrottledAsync(
            await leftOpen.PostFormAsync("Account/Manage/ChangePassword", "change-password", NewPassword(RunningApp.Password)), "for this account");
        Assert.True(await app.WithUsersAsync(async users => await users.CheckPasswordAsync((await users.FindByEmailAsync(email))!, RunningApp.Password)));

        static Dictionary<string, string> NewPassword(string current) => new()
        {
            ["Input.OldPassword"] = current,
            ["Input.NewPassword"] = "a brand new passphrase",
            ["Input.ConfirmPassword"] = "a brand new passphrase",
        };
    }

    /// <summary>Signs in with the password of a person with two-factor sign-in; returns the two-factor page it is sent to.</summary>
    private static async Task<string> PasswordStepAsync(AccountClient visitor, string email)
    {
        var response = await visitor.SignInAsync(email, RunningApp.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var to = new Uri(visitor.BaseAddress, response.Headers.Location!);
        Assert.Equal("/Account/LoginWith2fa", to.AbsolutePath);
        return to.PathAndQuery.TrimStart('/');
    }

    /// <summary>Checks a throttled answer (429, Retry-After, the page with its sentence); returns the seconds to wait.</summary>
    private static async Task<int> AssertThrottledAsync(HttpResponseMessage response, string scope)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.TooManyRequests, $"Expected 429, got {(int)response.StatusCode}:\n{body}");
        var match = ThrottledSentence().Match(body);
        Assert.True(match.Success, $"No throttle sentence in:\n{body}");
        Assert.Equal(scope, match.Groups["scope"].Value);
        var seconds = int.Parse(match.Groups["seconds"].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromSeconds(seconds), response.Headers.RetryAfter?.Delta);
        Assert.Contains("text/html", response.Content.Headers.ContentType?.MediaType);
        return seconds;
    }

    [GeneratedRegex(@"Too many failed sign-ins (?<scope>for this account|from your network address)\. Try again in (?<seconds>\d+) seconds?\.")]
    private static partial Regex ThrottledSentence();

    [GeneratedRegex("request-token-value=\"(?<token>[^\"]+)\"")]
    private static partial Regex RequestToken();
}
