using CovidEntry.App.Data;
using CovidEntry.App.Features.Admin;
using CovidEntry.Domain.People;
using CovidEntry.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CovidEntry.Tests.Browser;

/// <summary>
/// The running app with open pages rechecking their sign-in only every ten minutes, so whatever a
/// test sees happen to an open page within seconds is not that recheck's doing.
/// </summary>
public sealed class LongRecheckRunningApp : RunningApp
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Identity__Session__RevalidateSeconds"] = "600",
        ["Screenshots__CaptureEnabled"] = "false",
    };
}

/// <summary>Open pages in Chromium when their session ends, and when their person's role is taken away.</summary>
public sealed class SessionAndRoleBrowserTests(LongRecheckRunningApp app, ITestOutputHelper output)
    : OwnAppBrowserTest(app, output, expectTimeoutMilliseconds: 15_000), IClassFixture<LongRecheckRunningApp>
{
    [Fact]
    public async Task SigningOutInOneTabEndsTheSessionsOtherOpenPagesAtOnce()
    {
        var email = await app.CreatePersonAsync("Tab Tamsin", Roles.Volunteer);
        var tamsin = await PersonAsync("Tamsin");
        await ExplainingAsync([tamsin], async () =>
        {
            await tamsin.SignInAsync(email, RunningApp.Password);
            await tamsin.OpenAsync("work");
            var other = await tamsin.Context.NewPageAsync();
            await other.GotoAsync("history/NY");
            await Expect(other.Locator("main#main:not([data-prerendered])")).ToHaveCountAsync(1);
            await Expect(other.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();

            await tamsin.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            await Expect(tamsin.Page.GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();

            // The other tab's open page leaves for the sign-in page by itself, long before any recheck.
            await Expect(other).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Account/Login"));
        });
    }

    [Fact]
    public async Task ALeadWhoseRoleIsTakenAwayIsRefusedAtTheNextActionOfTheirOpenPage()
    {
        // Arranged through the app's own services, as another instance would: nothing reaches the
        // running app's open pages but the database.
        await using var database = new TestDatabase(createDatabase: () => Task.FromResult(app.ConnectionString));
        await database.InitializeAsync();
        var loop = await new LoopScenario(database).WithPeopleAsync();
        var shiftId = await loop.OpenShiftAsync(new DateOnly(2020, 11, 20), "AK", "AL");
        await loop.VerifyAllAsync(shiftId, new Dictionary<string, string> { ["positive"] = "40" });
        await loop.BeginReviewAsync(shiftId);

        var lena = await PersonAsync("Lena");
        await ExplainingAsync([lena], async () =>
        {
            await lena.SignInAsync(await EmailOfAsync(database, loop.Lead), TestDatabase.Password);
            await lena.OpenAsync($"shifts/{shiftId}/review");
            await lena.Page.GetByRole(AriaRole.Button, new() { Name = "Approve AK" }).ClickAsync();
            await Expect(lena.Page.Locator("#entry-message-AK")).ToHaveTextAsync("Approved AK.");

            // An admin, working on another instance, takes the lead role away.
            await database.Get<UserAdminService>().SetRolesAsync(loop.Lead, [Roles.Volunteer], loop.Admin);

            await lena.Page.GetByRole(AriaRole.Button, new() { Name = "Approve AL" }).ClickAsync();
            await Expect(lena.Page.Locator("#entry-error-AL")).ToContainTextAsync("Only shift leads and admins can do this, and your roles have changed");
        });

        await using var db = await database.DbAsync();
        var approved = await db.Entries.Where(e => e.ApprovedByUserId != null).Select(e => e.JurisdictionCode).ToListAsync();
        Assert.Equal(["AK"], approved);
    }
}
