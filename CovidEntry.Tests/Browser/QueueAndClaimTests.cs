using System.Text.RegularExpressions;
using CovidEntry.Domain.People;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CovidEntry.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class QueueAndClaimTests(BrowserFixture browser, ITestOutputHelper output) : BrowserTest(browser, output)
{
    [Fact]
    public async Task AChangedSourceTopsTheQueueAndOnlyOneOfTwoVolunteersGetsAPass()
    {
        await RunAsync(ScenarioAsync);
    }

    private async Task ScenarioAsync()
    {
        var leadEmail = await Browser.CreatePersonAsync("Quinn Lead", Roles.ShiftLead);
        var firstEmail = await Browser.CreatePersonAsync("Paula Pass");
        var secondEmail = await Browser.CreatePersonAsync("Rafa Rival");
        await Browser.OpenShiftAsync("queue shift", new DateOnly(2020, 11, 21), ["ME", "MD"]);

        // A lead sees Maryland's page change and says so.
        var quinn = await PersonAsync("Quinn");
        await quinn.SignInAsync(leadEmail, BrowserFixture.AdminPassword);
        await quinn.OpenAsync("jurisdictions");
        await quinn.Page.GetByRole(AriaRole.Button, new() { Name = "Source of MD changed" }).ClickAsync();
        await Expect(quinn.Page.Locator("#jurisdiction-message")).ToContainTextAsync("MD is marked changed");
        await Expect(quinn.Page.GetByTestId("jurisdiction-MD")).ToContainTextAsync(DateTime.UtcNow.ToString("yyyy-MM-dd"));
        await Accessibility.AssertAccessibleAsync(quinn, "jurisdictions page");

        // Both volunteers see Maryland first, then Maine.
        var paula = await PersonAsync("Paula");
        var rafa = await PersonAsync("Rafa");
        foreach (var (person, email) in new[] { (paula, firstEmail), (rafa, secondEmail) })
        {
            await person.SignInAsync(email, BrowserFixture.AdminPassword);
            await person.OpenAsync("work");
            await Expect(person.Page.Locator("#queue tbody tr").First).ToContainTextAsync("MD · Maryland");
            await Expect(person.Page.GetByTestId("freshness-MD")).ToContainTextAsync("Source changed");
        }

        await Accessibility.AssertAccessibleAsync(paula, "work queue");

        // Paula claims pass 1 of Maryland; Rafa's open list shows it held at once and offers him pass 2
        // (a claim lost to a race is RefusalsAndRacesTests' subject).
        await paula.Page.GetByRole(AriaRole.Button, new() { Name = "Claim pass 1 of MD" }).ClickAsync();
        await Expect(paula.Page).ToHaveURLAsync(new Regex("/entries/[0-9a-f-]{36}/pass/1$"));
        await Expect(rafa.Page.GetByTestId("state-MD")).ToContainTextAsync("pass 1 held by Paula Pass");
        await Expect(rafa.Page.GetByRole(AriaRole.Button, new() { Name = "Claim pass 2 of MD" })).ToBeVisibleAsync();

        // Paula gives it back; it is open to Rafa again.
        await paula.OpenAsync("work");
        await Expect(paula.Page.GetByTestId("state-MD")).ToContainTextAsync("Yours since");
        await paula.Page.GetByRole(AriaRole.Button, new() { Name = "Release pass 1 of MD" }).ClickAsync();
        await Expect(paula.Page.GetByRole(AriaRole.Button, new() { Name = "Claim pass 1 of MD" })).ToBeVisibleAsync();
        await rafa.OpenAsync("work");
        await Expect(rafa.Page.GetByRole(AriaRole.Button, new() { Name = "Claim pass 1 of MD" })).ToBeVisibleAsync();

        // The lead mutes a known warning for Maine on the shared list.
        await quinn.OpenAsync("quality/muted-warnings");
        await ChooseAsync(quinn.Page, "Jurisdiction", "ME · Maine");
        await ChooseAsync(quinn.Page, "Check", "Confirmed + probable deaths ≠ deaths");
        await quinn.Page.GetByRole(AriaRole.Button, new() { Name = "Mute" }).ClickAsync();
        await Expect(quinn.Page.GetByText("Say why this warning is muted")).ToBeVisibleAsync();
        await FillDateAsync(quinn.Page.GetByLabel("Muted through data date"), "2020-11-30");
        await quinn.Page.GetByLabel("Why is it muted?").FillAsync("Maine reports probable deaths weekly");
        await Expect(quinn.Page.GetByText("Say why this warning is muted")).ToHaveCountAsync(0);
        await quinn.Page.GetByRole(AriaRole.Button, new() { Name = "Mute" }).ClickAsync();
        await Expect(quinn.Page.Locator("#mute-message")).ToContainTextAsync("Muted: Confirmed + probable deaths ≠ deaths for ME through 2020-11-30.");
        await Expect(quinn.Page.Locator("#muted-warnings")).ToContainTextAsync("Maine reports probable deaths weekly");
        await Accessibility.AssertAccessibleAsync(quinn, "muted warnings page");

        // The staleness view and the double-entry statistics are there for the lead, and readable.
        await quinn.OpenAsync("staleness");
        await Expect(quinn.Page.GetByTestId("stale-MD")).ToContainTextAsync("Not published; no usual update time set");
        await Accessibility.AssertAccessibleAsync(quinn, "staleness page");
        await quinn.OpenAsync("stats/double-entry");
        await Expect(quinn.Page.GetByRole(AriaRole.Heading, new() { Name = "Double-entry statistics" })).ToBeVisibleAsync();
        await Accessibility.AssertAccessibleAsync(quinn, "double-entry statistics page");
    }
}
