using CovidEntry.App.Data;
using CovidEntry.App.Features.Admin;
using CovidEntry.Domain;
using CovidEntry.Domain.People;
using CovidEntry.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace CovidEntry.Tests.Integration;

/// <summary>An admin changing someone's roles or disabling them: the change, and the new security stamp that signs them out everywhere.</summary>
public sealed class UserAccessChangeTests : IAsyncLifetime
{
    private readonly TestDatabase _database = new();
    private string _adminId = "";

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _adminId = await _database.CreateUserAsync("Ada Admin", Roles.Admin);
    }

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task ChangingRolesGivesExactlyTheNewRolesAndANewSecurityStamp()
    {
        var leadId = await _database.CreateUserAsync("Lena Lead", Roles.Volunteer, Roles.ShiftLead);
        var stampBefore = await StampAsync(leadId);

        await _database.Get<UserAdminService>().SetRolesAsync(leadId, [Roles.Volunteer], _adminId);

        Assert.Equal([Roles.Volunteer], await RolesAsync(leadId));
        Assert.NotEqual(stampBefore, await StampAsync(leadId));
    }

    [Fact]
    public async Task SavingTheSameRolesLeavesTheSessionAlone()
    {
        var volunteerId = await _database.CreateUserAsync("Vic Volunteer", Roles.Volunteer);
        var stampBefore = await StampAsync(volunteerId);

        await _database.Get<UserAdminService>().SetRolesAsync(volunteerId, [Roles.Volunteer], _adminId);

        Assert.Equal(stampBefore, await StampAsync(volunteerId));
    }

    [Fact]
    public async Task DisablingRefusesSignInAndSignsOutEverywhere()
    {
        var volunteerId = await _database.CreateUserAsync("Dot Disabled", Roles.Volunteer);
        var stampBefore = await StampAsync(volunteerId);

        await _database.Get<UserAdminService>().DisableAsync(volunteerId, _adminId);

        Assert.NotEqual(stampBefore, await StampAsync(volunteerId));
        Assert.True((await SignInCheckAsync(volunteerId)).IsLockedOut);
        var row = (await _database.Get<UserAdminService>().ListAsync()).Single(r => r.Id == volunteerId);
        Assert.True(row.Disabled);
    }

    [Fact]
    public async Task EnablingLetsADisabledPersonSignInAgain()
    {
        var volunteerId = await _database.CreateUserAsync("Ed Enabled", Roles.Volunteer);
        var admin = _database.Get<UserAdminService>();
        await admin.DisableAsync(volunteerId, _adminId);

        await admin.EnableAsync(volunteerId, _adminId);

        Assert.True((await SignInCheckAsync(volunteerId)).Succeeded);
        Assert.False((await admin.ListAsync()).Single(r => r.Id == volunteerId).Disabled);
    }

    [Fact]
    public async Task AnAdminCannotDisableThemselvesNorDropTheirOwnAdminRole()
    {
        var admin = _database.Get<UserAdminService>();

        var disable = await Assert.ThrowsAsync<DomainException>(() => admin.DisableAsync(_adminId, _adminId));
        Assert.Contains("your own account", disable.Message);
        var demote = await Assert.ThrowsAsync<DomainException>(() => admin.SetRolesAsync(_adminId, [Roles.Volunteer], _adminId));
        Assert.Contains("your own admin role", demote.Message);
        Assert.Contains(Roles.Admin, await RolesAsync(_adminId));
    }

    [Fact]
    public async Task APersonMustKeepAtLeastOneRole()
    {
        var volunteerId = await _database.CreateUserAsync("Rory Roles", Roles.Volunteer);
        var error = await Assert.ThrowsAsync<DomainException>(() => _database.Get<UserAdminService>().SetRolesAsync(volunteerId, [], _adminId));
        Assert.Equal("Give the person at least one role.", error.Message);
    }

    private async Task<string?> StampAsync(string userId)
    {
        using var scope = _database.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return await users.GetSecurityStampAsync((await users.FindByIdAsync(userId))!);
    }

    private async Task<IList<string>> RolesAsync(string userId)
    {
        using var scope = _database.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return await users.GetRolesAsync((await users.FindByIdAsync(userId))!);
    }

    /// <summary>The password check of a sign-in, without the cookie (which needs a request).</summary>
    private async Task<SignInResult> SignInCheckAsync(string userId)
    {
        using var scope = _database.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Http.IHttpContextAccessor>().HttpContext =
            new Microsoft.AspNetCore.Http.DefaultHttpContext { RequestServices = scope.ServiceProvider };
        var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<ApplicationUser>>();
        var user = (await signIn.UserManager.FindByIdAsync(userId))!;
        return await signIn.CheckPasswordSignInAsync(user, "correct horse battery staple", lockoutOnFailure: true);
    }
}
