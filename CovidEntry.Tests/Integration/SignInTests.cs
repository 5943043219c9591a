using System.Net;
using CovidEntry.Domain.Audit;
using CovidEntry.Domain.People;
using Microsoft.EntityFrameworkCore;
using CovidEntry.Tests.Infrastructure;

namespace CovidEntry.Tests.Integration;

/// <summary>The login form of the running app: lockout after repeated failures, and a new cookie at each sign-in.</summary>
[Collection(DefaultRunningAppCollection.Name)]
public sealed class SignInTests(DefaultRunningApp app)
{
    [Fact]
    public async Task FiveWrongPasswordsLockTheAccountForFifteenMinutesEvenAgainstTheRightPassword()
    {
        var email = await app.CreatePersonAsync("Lou Lockout", Roles.Volunteer);
        using var visitor = app.NewClient();

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            var wrong = await visitor.SignInAsync(email, $"not the password {attempt}");
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            Assert.Contains("Invalid login attempt", await wrong.Content.ReadAsStringAsync());
        }

        // The fifth failure is the one that locks.
        var fifth = await visitor.SignInAsync(email, "not the password 5");
        Assert.Equal(HttpStatusCode.Redirect, fifth.StatusCode);
        Assert.EndsWith("/Account/Lockout", fifth.Headers.Location!.ToString());

        var right = await visitor.SignInAsync(email, RunningApp.Password);
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.EndsWith("/Account/Lockout", right.Headers.Location!.ToString());
        Assert.Null(visitor.SignInCookieValue);

        var lockoutEnd = await app.WithUsersAsync(async users => (await users.FindByEmailAsync(email))!.LockoutEnd);
        Assert.NotNull(lockoutEnd);
        Assert.InRange(lockoutEnd.Value - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15.1));

        var lockoutPage = await visitor.Http.GetStringAsync("Account/Lockout");
        Assert.Contains("Try again later", lockoutPage);

        // Each attempt is on the audit trail, named by the account it tried.
        var attempts = await AccountEventsAsync(email);
        Assert.Equal(4, attempts.Count(a => a == AuditAction.SignInFailed));
        Assert.Contains(AuditAction.LockedOut, attempts);
        Assert.DoesNotContain(AuditAction.SignIn, attempts);
    }

    [Fact]
    public async Task SignInsFailuresAndSignOutsAreOnTheAuditTrail()
    {
        var email = await app.CreatePersonAsync("Ari Audited", Roles.Volunteer);
        using var visitor = app.NewClient();
        await visitor.SignInAsync(email, "not the password");
        await visitor.SignInAsync("nobody@example.org", "whatever it is");
        var right = await visitor.SignInAsync(email, RunningApp.Password);
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);

        var attempts = await AccountEventsAsync(email);
        Assert.Equal([AuditAction.SignInFailed, AuditAction.SignIn], attempts);
        Assert.Contains(AuditAction.SignInFailed, await AccountEventsAsync("nobody@example.org"));
    }

    /// <summary>The account events naming <paramref name="email"/> (by user name or, for unknown accounts, the name tried).</summary>
    private async Task<List<AuditAction>> AccountEventsAsync(string email)
    {
        await using var db = new CovidEntry.App.Data.CovidEntryDbContext(
            new Microsoft.EntityFrameworkCore.DbContextOptionsBuilder<CovidEntry.App.Data.CovidEntryDbContext>().UseNpgsql(app.ConnectionString).Options);
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
        Assert.DoesNotContain("Lockout", right.Headers.Location!.ToString());
        Assert.Equal(0, await app.WithUsersAsync(async users => (await users.FindByEmailAsync(email))!.AccessFailedCount));
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
