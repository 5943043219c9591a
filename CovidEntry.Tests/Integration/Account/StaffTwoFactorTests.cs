using System.Net;
using CovidEntry.App.Components.Account;
using CovidEntry.Domain.People;
using CovidEntry.Tests.Infrastructure;

namespace CovidEntry.Tests.Integration;

/// <summary>The running app with two-factor required for shift leads and admins.</summary>
public sealed class StaffTwoFactorRunningApp : RunningApp
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Identity__RequireTwoFactorForStaff"] = "true",
    };
}

public sealed class StaffTwoFactorTests(StaffTwoFactorRunningApp app) : IClassFixture<StaffTwoFactorRunningApp>
{
    [Fact]
    public async Task ALeadWithoutTwoFactorIsSentToSetUpAnAuthenticatorBeforeAnythingElse()
    {
        using var lead = await SignedInAsync("Lee Lead", Roles.ShiftLead, Roles.Volunteer);

        foreach (var page in new[] { "", "shifts", "work", "history" })
        {
            var response = await lead.Http.GetAsync(page);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal(StaffTwoFactorRequirement.SetupPath, response.Headers.Location!.ToString());
        }

        var setup = await lead.Http.GetAsync("Account/Manage/EnableAuthenticator");
        Assert.Equal(HttpStatusCode.OK, setup.StatusCode);
        Assert.Contains("Your role requires two-factor sign-in", await setup.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await lead.Http.GetAsync("Account/Manage")).StatusCode);

        // Public files stay public.
        Assert.Equal(HttpStatusCode.OK, (await lead.Http.GetAsync("api/v1/states/info.json")).StatusCode);
    }

    [Fact]
    public async Task AnAdminWithoutTwoFactorIsSentToSetUpAnAuthenticatorToo()
    {
        using var admin = await SignedInAsync("Ann Admin", Roles.Admin);
        var response = await admin.Http.GetAsync("admin/users");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(StaffTwoFactorRequirement.SetupPath, response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task AVolunteerIsNotAskedForTwoFactor()
    {
        using var volunteer = await SignedInAsync("Val Volunteer", Roles.Volunteer);
        Assert.Equal(HttpStatusCode.OK, (await volunteer.Http.GetAsync("work")).StatusCode);
        var setup = await volunteer.Http.GetStringAsync("Account/Manage/EnableAuthenticator");
        Assert.DoesNotContain("Your role requires two-factor sign-in", setup);
    }

    [Fact]
    public async Task ALeadWithTwoFactorOnGetsIn()
    {
        var email = await app.CreatePersonAsync("Tess Twofactor", Roles.ShiftLead, Roles.Volunteer);
        using var lead = app.NewClient();
        Assert.Equal(HttpStatusCode.Redirect, (await lead.SignInAsync(email, RunningApp.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await lead.Http.GetAsync("shifts")).StatusCode);

        // As the authenticator page does once the first code checks out.
        await app.WithUsersAsync(async users =>
        {
            var user = (await users.FindByEmailAsync(email))!;
            await users.ResetAuthenticatorKeyAsync(user);
            return await users.SetTwoFactorEnabledAsync(user, true);
        });

        Assert.Equal(HttpStatusCode.OK, (await lead.Http.GetAsync("shifts")).StatusCode);
    }

    private async Task<AccountClient> SignedInAsync(string name, params string[] roles)
    {
        var email = await app.CreatePersonAsync(name, roles);
        var client = app.NewClient();
        var signIn = await client.SignInAsync(email, RunningApp.Password);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.NotNull(client.SignInCookieValue);
        return client;
    }
}
