using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CovidEntry.Tests.Browser;

/// <summary>
/// The app's pages and the API reference work in Chromium under their Content-Security-Policy:
/// BrowserTest.RunAsync fails the test on any violation the browser reports.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ContentSecurityPolicyTests(BrowserFixture browser, ITestOutputHelper output) : BrowserTest(browser, output)
{
    /// <summary>
    /// Scalar's bundle includes zod, which tries <c>new Function("")</c> once to learn whether it
    /// may compile validators, and falls back to interpreting them when the policy says no.
    /// </summary>
    protected override bool IsHarmlessCspViolation(string violation) =>
        violation.StartsWith("CSP violation: script-src blocked eval at ", StringComparison.Ordinal)
        && violation.Contains("/api/docs/scalar.js:", StringComparison.Ordinal);

    [Fact]
    public async Task InteractivePagesAndAccountPagesRunUnderThePolicy()
    {
        await RunAsync(async () =>
        {
            var ada = await PersonAsync("Ada");
            await ada.SignInAsync(BrowserFixture.AdminEmail, BrowserFixture.AdminPassword);
            foreach (var page in new[] { "", "work", "shifts", "history", "admin/users", "data" })
            {
                // OpenAsync waits for the circuit: blazor.web.js ran and its WebSocket connected.
                await ada.OpenAsync(page);
            }

            await ada.Page.GotoAsync("Account/Manage");
            await Expect(ada.Page.GetByRole(AriaRole.Heading, new() { Name = "Manage your account" })).ToBeVisibleAsync();
            await ada.Page.GotoAsync("Account/Manage/EnableAuthenticator");
            await Expect(ada.Page.GetByRole(AriaRole.Heading, new() { Name = "Configure authenticator app" })).ToBeVisibleAsync();
        });
    }

    [Fact]
    public async Task TheApiReferenceRendersUnderItsOwnPolicy()
    {
        await RunAsync(async () =>
        {
            var visitor = await PersonAsync("Visitor");
            await visitor.Page.GotoAsync("api/docs");
            await Expect(visitor.Page.GetByText("CovidEntry public data").First).ToBeVisibleAsync();
            // The reference renders a section when it is reached: go to the v2 files as a reader would.
            await visitor.Page.GetByRole(AriaRole.Link, new() { Name = "v2 files", Exact = true }).ClickAsync();
            await Expect(visitor.Page.GetByRole(AriaRole.Link, new() { Name = "get /api/v2/states/{code}/daily.json" })).ToBeVisibleAsync();
            await visitor.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        });
    }
}
