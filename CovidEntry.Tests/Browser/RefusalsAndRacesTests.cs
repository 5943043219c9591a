using CovidEntry.Domain.People;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CovidEntry.Tests.Browser;

/// <summary>
/// A person refused something is told the real reason and the way forward; two people racing for
/// the same pass or the same mismatch learn who won and what they chose.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RefusalsAndRacesTests(BrowserFixture browser, ITestOutputHelper output) : BrowserTest(browser, output)
{
    private static readonly Dictionary<string, string> Agreed = new() { ["positive"] = "1,000", ["death"] = "20" };

    [Fact]
    public async Task AVolunteerWhoEnteredPassOneIsToldPassTwoMustBeSomeoneElses()
    {
        await RunAsync(async () =>
        {
            var email = await Browser.CreatePersonAsync("Nina Refused");
            var shift = await Browser.OpenShiftAsync("refusal shift", new DateOnly(2021, 1, 4), ["NM"], firstPassEmail: email);
            var entryId = shift.Entries.Single().EntryId;
            await using var arrange = new Arrange(Browser);
            await arrange.SubmitAsync(entryId, 1, email, Agreed);

            var nina = await PersonAsync("Nina");
            await nina.SignInAsync(email, BrowserFixture.AdminPassword);
            await nina.OpenAsync($"entries/{entryId}/pass/2");
            await Expect(nina.Page.Locator("main")).ToContainTextAsync("You entered pass 1 of NM, so pass 2 must be someone else's.");
            await Expect(nina.Page.Locator("main")).Not.ToContainTextAsync("Claim it from your work list");
            await Accessibility.AssertAccessibleAsync(nina, "pass page refusing a second pass");
        });
    }

    [Fact]
    public async Task ALeadWhoMayNotPublishSeesWhyBesideADisabledButton()
    {
        await RunAsync(async () =>
        {
            var leadEmail = await Browser.CreatePersonAsync("Polly Publisher", Roles.ShiftLead);
            var checkerEmail = await Browser.CreatePersonAsync("Pete Checker");
            var shift = await Browser.OpenShiftAsync("publish refusal shift", new DateOnly(2021, 1, 5), ["NV"], firstPassEmail: leadEmail);
            await using var arrange = new Arrange(Browser);
            await arrange.AssignAsync(shift, "NV", 2, checkerEmail);
            var entryId = shift.Entries.Single().EntryId;
            await arrange.SubmitAsync(entryId, 1, leadEmail, Agreed);
            await arrange.SubmitAsync(entryId, 2, checkerEmail, Agreed);
            await arrange.BeginReviewAsync(shift.Id, BrowserFixture.AdminEmail);
            await arrange.ApproveAsync(shift.Id, entryId, BrowserFixture.AdminEmail);

            var polly = await PersonAsync("Polly");
            await polly.SignInAsync(leadEmail, BrowserFixture.AdminPassword);
            await polly.OpenAsync($"shifts/{shift.Id}/review");
            var publish = polly.Page.GetByRole(AriaRole.Button, new() { Name = "Publish batch" });
            await Expect(publish).ToBeDisabledAsync();
            await Expect(polly.Page.Locator("#publish-blocked")).ToContainTextAsync("You entered passes in this batch (NV), so another lead must publish it.");
            await Expect(publish).ToHaveAttributeAsync("aria-describedby", "publish-blocked");
            await Accessibility.AssertAccessibleAsync(polly, "review page of a lead who may not publish");
        });
    }

    [Fact]
    public async Task ASecondLeadReconcilingWhatTheFirstJustResolvedIsToldWhoChoseWhat()
    {
        await RunAsync(async () =>
        {
            var firstLeadEmail = await Browser.CreatePersonAsync("Rhea Resolver", Roles.ShiftLead);
            var secondLeadEmail = await Browser.CreatePersonAsync("Sam Second", Roles.ShiftLead);
            var oneEmail = await Browser.CreatePersonAsync("Dora Diff");
            var twoEmail = await Browser.CreatePersonAsync("Eli Diff");
            var shift = await Browser.OpenShiftAsync("race shift", new DateOnly(2021, 1, 6), ["DE"], firstPassEmail: oneEmail);
            await using var arrange = new Arrange(Browser);
            await arrange.AssignAsync(shift, "DE", 2, twoEmail);
            var entryId = shift.Entries.Single().EntryId;
            await arrange.SubmitAsync(entryId, 1, oneEmail, new Dictionary<string, string> { ["positive"] = "1,000", ["death"] = "20" });
            await arrange.SubmitAsync(entryId, 2, twoEmail, new Dictionary<string, string> { ["positive"] = "1,000", ["death"] = "21" });

            var rhea = await PersonAsync("Rhea");
            var sam = await PersonAsync("Sam");
            await rhea.SignInAsync(firstLeadEmail, BrowserFixture.AdminPassword);
            await sam.SignInAsync(secondLeadEmail, BrowserFixture.AdminPassword);
            foreach (var lead in new[] { rhea, sam })
            {
                await lead.OpenAsync($"entries/{entryId}/reconcile");
                await Expect(lead.Page.GetByTestId("entry-status")).ToHaveTextAsync("Mismatch");
            }

            // Internal names never show: no "— UTC" for a time nobody gave.
            await Expect(sam.Page.Locator("main")).ToContainTextAsync("Source updated not given");
            await Expect(sam.Page.Locator("main")).Not.ToContainTextAsync("— UTC");

            await ResolveAsync(rhea, "Pass 2: 21", "The dashboard shows 21 deaths.");
            await Expect(rhea.Page.GetByTestId("resolution-death")).ToContainTextAsync("choosing pass 2");
            await Expect(rhea.Page.GetByTestId("resolution-death")).Not.ToContainTextAsync("SecondPass");
            await Expect(rhea.Page.GetByTestId("entry-status")).ToHaveTextAsync("Verified");

            // Sam's page is from before: his choice is refused with who resolved it, when, and how.
            await ResolveAsync(sam, "Pass 1: 20", "I read 20.");
            var notice = sam.Page.Locator("#reconcile-notice-death");
            await Expect(notice).ToContainTextAsync("Rhea Resolver resolved this at");
            await Expect(notice).ToContainTextAsync("choosing pass 2 (21)");
            await Expect(sam.Page.Locator("[data-live='reconcile-notice-death']")).ToHaveAttributeAsync("role", "status");
            await Expect(sam.Page.GetByTestId("resolution-death")).ToContainTextAsync("by Rhea Resolver");
            await Expect(sam.Page.GetByTestId("entry-status")).ToHaveTextAsync("Verified");
            await Expect(sam.Page.Locator("main")).Not.ToContainTextAsync("has no mismatch");
            await Accessibility.AssertAccessibleAsync(sam, "reconcile page after losing a race");
        });
    }

    [Fact]
    public async Task TheQueueShowsAHeldPassAtOnceAndALostClaimsMessageGoesWhenTheListRefreshes()
    {
        await RunAsync(async () =>
        {
            var kimEmail = await Browser.CreatePersonAsync("Kim Claimer");
            var lenEmail = await Browser.CreatePersonAsync("Len Late");
            var maxEmail = await Browser.CreatePersonAsync("Max Elsewhere");
            var shift = await Browser.OpenShiftAsync("claim race shift", new DateOnly(2021, 1, 7), ["KS"]);
            var entryId = shift.Entries.Single().EntryId;

            var kim = await PersonAsync("Kim");
            var len = await PersonAsync("Len");
            await kim.SignInAsync(kimEmail, BrowserFixture.AdminPassword);
            await len.SignInAsync(lenEmail, BrowserFixture.AdminPassword);
            await kim.OpenAsync("work");
            await len.OpenAsync("work");
            await Expect(len.Page.GetByRole(AriaRole.Button, new() { Name = "Claim pass 1 of KS" })).ToBeVisibleAsync();

            // Kim claims pass 1: Len's open list says so at once, not at its next periodic refresh
            // (an hour away in these tests: BrowserFixture.Settings).
            await kim.Page.GetByRole(AriaRole.Button, new() { Name = "Claim pass 1 of KS" }).ClickAsync();
            await Expect(len.Page.GetByTestId("state-KS")).ToContainTextAsync("pass 1 held by Kim Claimer");
            await Expect(len.Page.GetByRole(AriaRole.Button, new() { Name = "Claim pass 2 of KS" })).ToBeVisibleAsync();

            // Max takes pass 2 on another instance of the app: Len's list does not know yet, and his claim loses.
            await using (var arrange = new Arrange(Browser))
            {
                await arrange.ClaimAsync(entryId, 2, maxEmail);
            }

            await len.Page.GetByRole(AriaRole.Button, new() { Name = "Claim pass 2 of KS" }).ClickAsync();
            await Expect(len.Page.Locator("#work-error")).ToContainTextAsync("Max Elsewhere has pass 2 of KS now, so your claim was not saved.");
            await Expect(len.Page.Locator("[data-live='work-error']")).ToHaveAttributeAsync("role", "alert");
            await Expect(len.Page.GetByTestId("state-KS")).ToContainTextAsync("Held by");

            // Kim gives pass 1 back: Len's list refreshes, and the message about the old list goes with it.
            await kim.OpenAsync("work");
            await kim.Page.GetByRole(AriaRole.Button, new() { Name = "Release pass 1 of KS" }).ClickAsync();
            await Expect(len.Page.GetByRole(AriaRole.Button, new() { Name = "Claim pass 1 of KS" })).ToBeVisibleAsync();
            await Expect(len.Page.Locator("#work-error")).ToHaveCountAsync(0);
            await Accessibility.AssertAccessibleAsync(len, "work queue after a lost claim");
        });
    }

    private static async Task ResolveAsync(BrowserUser lead, string choice, string reason)
    {
        var mismatch = lead.Page.GetByTestId("mismatch-death");
        await mismatch.GetByRole(AriaRole.Radio, new() { Name = choice }).CheckAsync();
        await mismatch.GetByLabel("Reason").FillAsync(reason);
        await mismatch.GetByRole(AriaRole.Button, new() { Name = "Resolve death" }).ClickAsync();
    }
}
