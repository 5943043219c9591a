using System.Text.RegularExpressions;
using CovidEntry.App.Components.Account;
using CovidEntry.App.Data;
using CovidEntry.App.Data.Seeding;
using CovidEntry.Tests.Integration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CovidEntry.Tests.Browser;

/// <summary>
/// Signing in as people do, in Chromium, against an app of its own: a database of its own (which
/// has the demo admin as seeded), a small sign-in throttle, and forwarded
/// addresses trusted so that each browser can come from a network of the test's choosing.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SignInBrowserTests(BrowserFixture browser, ThrottledRunningApp app, ITestOutputHelper output)
    : BrowserTest(browser, output), IClassFixture<ThrottledRunningApp>
{
    /// <summary>Issue 21: one office behind one address, everyone signing in at nine.</summary>
    [Fact]
    public async Task TwelvePeopleSignInFromOneAddressWithinAMinuteAndBruteForceIsStillStopped()
    {
        const string office = "192.0.2.120";
        var people = await app.CreatePeopleAsync("Office Browser", 12);
        var browsers = new List<IBrowserContext>();
        try
        {
            var started = DateTime.UtcNow;
            foreach (var email in people)
            {
                var context = await NewContextAsync(office);
                browsers.Add(context);
                var page = await context.NewPageAsync();

                // The sign-in page asks the server for passkey options in the background as it loads.
                var background = page.WaitForResponseAsync(r => r.Url.EndsWith("/Account/PasskeyRequestOptions", StringComparison.Ordinal));
                await page.GotoAsync("Account/Login");
                Assert.Equal(200, (await background).Status);

                await page.GetByLabel("Email").FillAsync(email);
                await page.GetByLabel("Password").FillAsync(ThrottledRunningApp.Password);
                await page.GetByLabel("Password").PressAsync("Enter");
                await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
            }

            Assert.True(DateTime.UtcNow - started < TimeSpan.FromMinutes(1), "the twelve sign-ins took over a minute");

            // Someone at the same address guesses at other accounts: the address's budget stops them.
            var guesser = await NewContextAsync(office);
            browsers.Add(guesser);
            var guessing = await guesser.NewPageAsync();
            for (var i = 1; i <= ThrottledRunningApp.AddressFailures; i++)
            {
                await TrySignInAsync(guessing, $"colleague.{i}@example.org", "password guess");
                await Expect(guessing.GetByText(SignInAnswers.WrongPassword[7..])).ToBeVisibleAsync();
            }

            await TrySignInAsync(guessing, "colleague.7@example.org", "password guess");
            await Expect(guessing.GetByText("Too many failed sign-ins from your network address")).ToBeVisibleAsync();

            // The twelve are not held back by the guesser: one signs out and straight back in.
            var first = browsers[0].Pages[0];
            await first.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            await TrySignInAsync(first, people[0], ThrottledRunningApp.Password);
            await Expect(first.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        }
        finally
        {
            foreach (var context in browsers)
            {
                await context.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task TheDemoAdminChangesTheOneTimePasswordBeforeAnythingElse()
    {
        // The demo admin as the seeder made it (the template database is seeded like run.sh's); its
        // one-time password went to the seeding process's console, so the test gives it a known one.
        const string oneTime = "kT7mQ2xPw9LrVb4ZsN8c";
        var marked = await app.WithUsersAsync(async users =>
        {
            var admin = (await users.FindByEmailAsync(DatabaseSeeder.DefaultAdminEmail))!;
            Assert.True((await users.RemovePasswordAsync(admin)).Succeeded);
            Assert.True((await users.AddPasswordAsync(admin, oneTime)).Succeeded);
            return await PasswordChangeRequirement.AppliesToAsync(users, admin);
        });
        Assert.True(marked, "The seeded demo admin is not marked to change its password.");
        await using var context = await NewContextAsync("198.51.100.201");
        var page = await context.NewPageAsync();

        await TrySignInAsync(page, DatabaseSeeder.DefaultAdminEmail, oneTime);
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Manage/ChangePassword$"));
        await Expect(page.GetByTestId("password-change-required")).ToContainTextAsync("Choose a new password before going on");
        await Accessibility.AssertAccessibleAsync(page, "forced password change");

        // Every page leads back here; the interactive pages' hub and the staff endpoints refuse.
        await page.GotoAsync("admin/users");
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Manage/ChangePassword$"));
        await page.GotoAsync("work");
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Manage/ChangePassword$"));
        var hub = await page.APIRequest.PostAsync("_blazor/negotiate?negotiateVersion=1");
        Assert.Equal(403, hub.Status);
        Assert.Contains("Change the one-time password", await hub.TextAsync());

        // By keyboard, as a person would.
        await page.GetByLabel("Old password").FocusAsync();
        await page.Keyboard.TypeAsync(oneTime);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("marble lantern orchard velvet");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("marble lantern orchard velvet");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page).Not.ToHaveURLAsync(new Regex("/Account/Manage/ChangePassword$"));

        // Everything opens now.
        await page.GotoAsync("admin/users");
        await Expect(page).ToHaveURLAsync(new Regex("/admin/users$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "People", Level = 1 })).ToBeVisibleAsync();

        // The mark went as a recorded change, like every other write.
        var removals = await app.WithServicesAsync(async services =>
        {
            await using var db = await services.GetRequiredService<IDbContextFactory<CovidEntryDbContext>>().CreateDbContextAsync();
            return await db.AuditEvents.CountAsync(e => e.EntityType.Contains("UserClaim") && e.Action == CovidEntry.Domain.Audit.AuditAction.Delete);
        });
        Assert.Equal(1, removals);
    }

    private Task<IBrowserContext> NewContextAsync(string address) =>
        Browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseUrl + "/",
            ExtraHTTPHeaders = new Dictionary<string, string> { ["X-Forwarded-For"] = address },
        });

    private static async Task TrySignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("Account/Login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();
    }
}
