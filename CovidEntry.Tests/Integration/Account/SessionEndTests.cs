using System.Net;
using System.Text;
using CovidEntry.App.Features.Admin;
using CovidEntry.App.Shared;
using CovidEntry.Domain.People;
using CovidEntry.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CovidEntry.Tests.Integration;

/// <summary>
/// A session ends on the server: a copy of a sign-in cookie (stolen from a shared computer, a
/// proxy log, a backup of a browser profile) stops working the moment its session signs out, signs
/// in again, or is ended by an admin. Against the running app, which rechecks sign-ins only every
/// minute, so nothing here is the recheck's doing.
/// </summary>
[Collection(DefaultRunningAppCollection.Name)]
public sealed class SessionEndTests(DefaultRunningApp app)
{
    [Fact]
    public async Task ACopiedCookieStopsWorkingTheMomentItsSessionSignsOut()
    {
        var email = await app.CreatePersonAsync("Cora Copied", Roles.Volunteer);
        using var owner = app.NewClient();
        Assert.Equal(HttpStatusCode.Redirect, (await owner.SignInAsync(email, RunningApp.Password)).StatusCode);
        using var thief = CopyOf(owner);
        Assert.Equal(HttpStatusCode.NoContent, (await thief.Http.GetAsync("Account/KeepAlive")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await thief.Http.GetAsync("work")).StatusCode);

        Assert.Equal(HttpStatusCode.Redirect, (await owner.SignOutAsync()).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await thief.Http.GetAsync("Account/KeepAlive")).StatusCode);
        await AssertSentToSignInAsync(thief, "work");
        await AssertSentToSignInAsync(thief, "shifts");
    }

    [Fact]
    public async Task SigningInAgainEndsTheEarlierSession()
    {
        var email = await app.CreatePersonAsync("Sid Signin", Roles.Volunteer);
        using var visitor = app.NewClient();
        Assert.Equal(HttpStatusCode.Redirect, (await visitor.SignInAsync(email, RunningApp.Password)).StatusCode);
        using var earlier = CopyOf(visitor);

        Assert.Equal(HttpStatusCode.Redirect, (await visitor.SignInAsync(email, RunningApp.Password)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await visitor.Http.GetAsync("Account/KeepAlive")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await earlier.Http.GetAsync("Account/KeepAlive")).StatusCode);
    }

    [Theory]
    [InlineData("disable")]
    [InlineData("roles")]
    public async Task AnAdminEndingSomeonesAccessEndsEveryOneOfTheirSessionsAtOnce(string change)
    {
        var email = await app.CreatePersonAsync("Evan Everywhere", Roles.ShiftLead, Roles.Volunteer);
        var admin = await app.CreatePersonAsync("Ada Admin", Roles.Admin);
        using var laptop = app.NewClient();
        using var phone = app.NewClient();
        Assert.Equal(HttpStatusCode.Redirect, (await laptop.SignInAsync(email, RunningApp.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await phone.SignInAsync(email, RunningApp.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await laptop.Http.GetAsync("shifts")).StatusCode);

        // Done by the app's own service in another process, as another instance of the app would.
        await app.WithServicesAsync(async services =>
        {
            var accounts = services.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<CovidEntry.App.Data.ApplicationUser>>();
            var personId = (await accounts.FindByEmailAsync(email))!.Id;
            var adminId = (await accounts.FindByEmailAsync(admin))!.Id;
            var people = services.GetRequiredService<UserAdminService>();
            if (change == "disable")
            {
                await people.DisableAsync(personId, adminId);
            }
            else
            {
                await people.SetRolesAsync(personId, [Roles.Volunteer], adminId);
            }

            return 0;
        });

        foreach (var device in new[] { laptop, phone })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await device.Http.GetAsync("Account/KeepAlive")).StatusCode);
            await AssertSentToSignInAsync(device, "shifts");
        }
    }

    [Fact]
    public async Task TheDatabaseHoldsNoUsableSessionKeyAndNoReadableTicket()
    {
        var email = await app.CreatePersonAsync("Bea Backup", Roles.Volunteer);
        using var visitor = app.NewClient();
        Assert.Equal(HttpStatusCode.Redirect, (await visitor.SignInAsync(email, RunningApp.Password)).StatusCode);

        await using var db = new CovidEntry.App.Data.CovidEntryDbContext(
            new DbContextOptionsBuilder<CovidEntry.App.Data.CovidEntryDbContext>().UseNpgsql(app.ConnectionString).Options);
        var userId = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
        var session = await db.SignInSessions.SingleAsync(s => s.UserId == userId);
        Assert.Equal(32, session.KeyHash.Length);
        Assert.DoesNotContain(email, Encoding.UTF8.GetString(session.Ticket), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(userId, Encoding.UTF8.GetString(session.Ticket), StringComparison.OrdinalIgnoreCase);

        // What the cookie carries is not what the table keeps: a cookie cannot be made from a row.
        var cookie = visitor.SignInCookieValue!;
        Assert.DoesNotContain(Convert.ToBase64String(session.KeyHash).TrimEnd('='), cookie, StringComparison.Ordinal);
        Assert.InRange(session.ExpiresAtUtc, DateTime.UtcNow, DateTime.UtcNow.AddMinutes(31));
    }

    [Fact]
    public async Task SigningOutWithoutAnAntiforgeryTokenIsRefusedWith400AndASentence()
    {
        var email = await app.CreatePersonAsync("Ned Notoken", Roles.Volunteer);
        using var visitor = app.NewClient();
        Assert.Equal(HttpStatusCode.Redirect, (await visitor.SignInAsync(email, RunningApp.Password)).StatusCode);

        // A page on another site posting the sign-out form: no token, or someone else's.
        var response = await visitor.Http.PostAsync("Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["returnUrl"] = "" }));
        await AssertRefusedForTokenAsync(response);

        // Still signed in: nothing happened.
        Assert.Equal(HttpStatusCode.NoContent, (await visitor.Http.GetAsync("Account/KeepAlive")).StatusCode);
    }

    [Theory]
    [InlineData("Account/Login", false)]
    [InlineData("Account/LoginWith2fa", false)]
    [InlineData("Account/AcceptInvite?userId=x&code=y", false)]
    [InlineData("Account/Manage/ChangePassword", true)]
    [InlineData("Account/Manage/DownloadPersonalData", true)]
    [InlineData("Account/PasskeyRequestOptions", false)]
    [InlineData("Account/PasskeyCreationOptions", true)]
    public async Task AnyFormOrRequestWithoutAnAntiforgeryTokenIsRefusedWith400AndASentence(string path, bool signedIn)
    {
        using var visitor = app.NewClient();
        if (signedIn)
        {
            var email = await app.CreatePersonAsync("Tara Token", Roles.Volunteer);
            Assert.Equal(HttpStatusCode.Redirect, (await visitor.SignInAsync(email, RunningApp.Password)).StatusCode);
        }

        var response = await visitor.Http.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = "CfDJ8-forged-token",
            ["Input.Email"] = "someone@example.org",
            ["Input.Password"] = "a guess at it",
        }));

        await AssertRefusedForTokenAsync(response);
    }

    private static async Task AssertRefusedForTokenAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"Expected 400, got {(int)response.StatusCode}:\n{body[..Math.Min(body.Length, 3000)]}");
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(AntiforgeryFailures.Message, body);
    }

    /// <summary>Another visitor holding exactly the cookies of <paramref name="original"/>, as a thief with a copy would.</summary>
    private AccountClient CopyOf(AccountClient original)
    {
        var copy = app.NewClient();
        foreach (Cookie cookie in original.Cookies.GetAllCookies())
        {
            copy.Cookies.Add(new Cookie(cookie.Name, cookie.Value, cookie.Path, cookie.Domain));
        }

        return copy;
    }

    private static async Task AssertSentToSignInAsync(AccountClient visitor, string path)
    {
        var response = await visitor.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/Login", new Uri(visitor.BaseAddress, response.Headers.Location!).AbsolutePath);
    }
}
