using System.Net;
using CovidEntry.App.Components.Account;
using CovidEntry.Domain.Audit;
using CovidEntry.Domain.People;
using Microsoft.EntityFrameworkCore;
using CovidEntry.Tests.Infrastructure;

namespace CovidEntry.Tests.Integration;

/// <summary>The login form of the running app: what the audit trail keeps of each attempt, forgetting failures, and a new session at each sign-in.</summary>
[Collection(DefaultRunningAppCollection.Name)]
public sealed class SignInTests(DefaultRunningApp app)
{
    [Fact]
    public async Task SignInsFailuresAndSignOutsAreOnTheAuditTrail()
    {
        var email = await app.CreatePersonAsync("Ari Audited", Roles.Volunteer);
        using var visitor = app.NewClient();
        await visitor.SignInAsync(email, "not the password");
        await visitor.SignInAsync("nobody@example.org", "whatever it is");
        var right = await visitor.SignInAsync(email, RunningApp.Password);
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await visitor.SignOutAsync()).StatusCode);

        var attempts = await AccountEventsAsync(email);
        Assert.Equal([AuditAction.SignInFailed, AuditAction.SignIn, AuditAction.SignOut], attempts);

        // The unknown account is named by its key, never by the text typed.
        var unknown = SignInAccount.UnknownKey(SignInAccount.Key("NOBODY@EXAMPLE.ORG"));
        Assert.Equal([AuditAction.SignInFailed], await AccountEventsAsync(unknown));
        Assert.Empty(await AccountEventsAsync("nobody@example.org"));
    }

    /// <summary>
    /// Whatever an outsider types as an address (markup, spreadsheet formulas, direction overrides,
    /// a password in the wrong field, a wall of text) stays out of the permanent, append-only trail:
    /// the event names a hash, and an outline of at most a letter and a cleaned, bounded domain.
    /// </summary>
    [Theory]
    [InlineData("<script>alert(document.cookie)</script>@evil.example")]
    [InlineData("=HYPERLINK(\"http://evil.example\",\"x\")@evil.example")]
    [InlineData("admin\u202Egro.elpmaxe@evil.example")]
    [InlineData("my-secret-password-typed-here@x")]
    [InlineData("ceo@<img src=x onerror=alert(1)>.example")]
    public async Task ANameTypedForAnUnknownAccountNeverReachesTheAuditTrailVerbatim(string typed)
    {
        await AssertNotRecordedVerbatimAsync(typed);
    }

    [Fact]
    public async Task AHugeNameTypedForAnUnknownAccountIsRecordedBounded()
    {
        await AssertNotRecordedVerbatimAsync(new string('a', 5000) + "@" + new string('b', 3000) + ".example");
    }

    private async Task AssertNotRecordedVerbatimAsync(string typed)
    {
        var before = await LastAccountEventIdAsync();
        using var visitor = app.NewClient();
        var response = await visitor.SignInAsync(typed, "a guess at a password");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");

        await using var db = Db();
        var recorded = await db.AuditEvents.Where(e => e.EntityType == "Account" && e.Id > before).ToListAsync();
        foreach (var e in recorded)
        {
            var text = e.UserName + e.EntityKey + string.Join("|", e.Changes.Select(c => c.Field + c.Before + c.After));
            Assert.DoesNotContain(typed, text, StringComparison.Ordinal);
            Assert.DoesNotContain(typed[..typed.IndexOf('@')], text, StringComparison.Ordinal);
            Assert.DoesNotContain('<', text);
            Assert.DoesNotContain('>', text);
            Assert.DoesNotContain('=', text);
            Assert.DoesNotContain('\u202E', text);
            Assert.Null(e.UserName);
            Assert.True(text.Length < 300, $"{text.Length} characters recorded: {text}");
        }

        // If the form let the name through to a sign-in, it is on the trail by its key.
        var key = SignInAccount.UnknownKey(SignInAccount.Key(typed.ToUpperInvariant()));
        Assert.All(recorded, e => Assert.Equal(key, e.EntityKey));
    }

    private async Task<long> LastAccountEventIdAsync()
    {
        await using var db = Db();
        return await db.AuditEvents.Where(e => e.EntityType == "Account").MaxAsync(e => (long?)e.Id) ?? 0;
    }

    private CovidEntry.App.Data.CovidEntryDbContext Db() =>
        new(new DbContextOptionsBuilder<CovidEntry.App.Data.CovidEntryDbContext>().UseNpgsql(app.ConnectionString).Options);

    /// <summary>The account events naming <paramref name="email"/> (by user name or, for unknown accounts, the name tried).</summary>
    private async Task<List<AuditAction>> AccountEventsAsync(string email)
    {
        await using var db = Db();
        return await db.AuditEvents.Where(e => e.EntityType == "Account" && (e.UserName == email || e.EntityKey == email))
            .OrderBy(e => e.Id).Select(e => e.Action).ToListAsync();
    }

    [Fact]
    public async Task FailuresBelowTheLimitAreForgottenAfterASuccessfulSignIn()
    {
        var email = await app.CreatePersonAsync("Fay Forgetful", Roles.Volunteer);
        using var visitor = app.NewClient();
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            await visitor.SignInAsync(email, $"not the password {attempt}");
        }

        var right = await visitor.SignInAsync(email, RunningApp.Password);
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Equal("/", new Uri(visitor.BaseAddress, right.Headers.Location!).AbsolutePath);

        // The throttle holds nothing more against the account from this browser and network.
        await using var db = Db();
        var key = SignInAccount.Key(email.ToUpperInvariant());
        Assert.Equal(0, await db.SignInFailures.CountAsync(f => f.AccountKey == key));
    }

    [Theory]
    [InlineData("Account/LoginWith2fa")]
    [InlineData("Account/LoginWithRecoveryCode")]
    public async Task ATwoFactorStepWithoutThePasswordStepSendsBackToTheLoginPage(string path)
    {
        using var visitor = app.NewClient();
        var response = await visitor.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.EndsWith("/Account/Login", response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task EverySignInIssuesANewSessionCookie()
    {
        var email = await app.CreatePersonAsync("Nina New Cookie", Roles.Volunteer);
        using var visitor = app.NewClient();
        Assert.Null(visitor.SignInCookieValue);

        Assert.Equal(HttpStatusCode.Redirect, (await visitor.SignInAsync(email, RunningApp.Password)).StatusCode);
        var first = visitor.SignInCookieValue;
        Assert.NotNull(first);

        Assert.Equal(HttpStatusCode.Redirect, (await visitor.SignInAsync(email, RunningApp.Password)).StatusCode);
        var second = visitor.SignInCookieValue;
        Assert.NotNull(second);
        Assert.NotEqual(first, second);

        Assert.Equal(HttpStatusCode.OK, (await visitor.Http.GetAsync("work")).StatusCode);
    }
}
