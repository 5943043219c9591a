using CovidEntry.Domain.People;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CovidEntry.Tests.Browser;

/// <summary>An admin's change to someone's roles, or disabling them, takes away the pages they already have open.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SignOutEverywhereTests(BrowserFixture browser, ITestOutputHelper output) : BrowserTest(browser, output)
{
    [Fact]
    public async Task AnOpenPageLosesItsSignInWhenAnAdminChangesTheRolesAndThenDisablesThePerson()
    {
        await RunAsync(ScenarioAsync);
    }

    private async Task ScenarioAsync()
    {
        var solEmail = await Browser.CreatePersonAsync("Sol Signout", Roles.ShiftLead, Roles.Volunteer);
        var sol = await PersonAsync("Sol");
        await sol.SignInAsync(solEmail, BrowserFixture.AdminPassword);
        await sol.OpenAsync("shifts");
        await Expect(sol.Page.GetByRole(AriaRole.Heading, new() { Name = "Shifts", Level = 1 })).ToBeVisibleAsync();

        var ada = await PersonAsync("Ada");
        await ada.SignInAsync(BrowserFixture.AdminEmail, BrowserFixture.AdminPassword);
        await ada.OpenAsync("admin/users");
        await ada.Page.GetByRole(AriaRole.Button, new() { Name = "Roles of Sol Signout" }).ClickAsync();
        var editor = ada.Page.GetByTestId("role-editor");
        await Expect(editor).ToContainTextAsync("Roles of Sol Signout");
        await editor.GetByLabel("Shift lead").UncheckAsync();
        await Accessibility.AssertAccessibleAsync(ada, "People page with the role editor open");
        await editor.GetByRole(AriaRole.Button, new() { Name = "Save roles" }).ClickAsync();
        await Expect(ada.Page.GetByText("Sol Signout now has the roles Volunteer and is signed out everywhere.")).ToBeVisibleAsync();

        // Sol's open page notices at its next revalidation and sends Sol to sign in again.
        await Expect(sol.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Account/Login"), new() { Timeout = 30_000 });

        await sol.SignInAsync(solEmail, BrowserFixture.AdminPassword);
        await sol.OpenAsync("work");
        await Expect(sol.Page.GetByRole(AriaRole.Link, new() { Name = "My work" })).ToBeVisibleAsync();
        await Expect(sol.Page.GetByRole(AriaRole.Link, new() { Name = "Shifts" })).ToHaveCountAsync(0);

        await ada.Page.GetByRole(AriaRole.Button, new() { Name = "Disable Sol Signout" }).ClickAsync();
        await ada.Page.GetByRole(AriaRole.Button, new() { Name = "Disable", Exact = true }).ClickAsync();
        await Expect(ada.Page.GetByText("Sol Signout is disabled and signed out everywhere.")).ToBeVisibleAsync();
        await Expect(ada.Page.GetByRole(AriaRole.Button, new() { Name = "Enable Sol Signout" })).ToBeVisibleAsync();

        await Expect(sol.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Account/Login"), new() { Timeout = 30_000 });
        await sol.Page.GetByLabel("Email").FillAsync(solEmail);
        await sol.Page.GetByLabel("Password").FillAsync(BrowserFixture.AdminPassword);
        await sol.Page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();
        // Refused with the answer a wrong password gets: a disabled account cannot be told from outside.
        await Expect(sol.Page.GetByText("do not match an account that can sign in")).ToBeVisibleAsync();
        await Expect(sol.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Account/Login"));
    }
}
