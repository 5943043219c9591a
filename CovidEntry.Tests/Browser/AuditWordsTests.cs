using System.Text.RegularExpressions;
using CovidEntry.Domain.Entries;
using CovidEntry.Domain.People;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CovidEntry.Tests.Browser;

/// <summary>The audit trail reads in people's words and is filtered by what happened and by jurisdiction.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AuditWordsTests(BrowserFixture browser, ITestOutputHelper output) : BrowserTest(browser, output)
{
    [Fact]
    public async Task AnAdminReadsTheTrailInPeoplesWordsFilteredByWhatHappenedAndJurisdiction()
    {
        await RunAsync(async () =>
        {
            var leadEmail = await Browser.CreatePersonAsync("Tara Trail", Roles.ShiftLead);
            var oneEmail = await Browser.CreatePersonAsync("Uma Audited");
            var twoEmail = await Browser.CreatePersonAsync("Ivo Audited");
            var shift = await Browser.OpenShiftAsync("trail shift", new DateOnly(2021, 1, 8), ["WV", "WI"], firstPassEmail: oneEmail);
            var wv = shift.Entries.Single(e => e.Code == "WV").EntryId;
            string leadId;
            await using (var arrange = new Arrange(Browser))
            {
                await arrange.AssignAsync(shift, "WV", 2, twoEmail);
                await arrange.SubmitAsync(wv, 1, oneEmail, new Dictionary<string, string> { ["death"] = "30" });
                await arrange.SubmitAsync(wv, 2, twoEmail, new Dictionary<string, string> { ["death"] = "31" });
                await arrange.ReconcileAsync(wv, "death", ResolutionSource.SecondPass, "The page says 31.", leadEmail);
                leadId = await arrange.IdOfAsync(leadEmail);
            }

            var admin = await PersonAsync("Ada");
            await admin.SignInAsync(BrowserFixture.AdminEmail, BrowserFixture.AdminPassword);
            await admin.OpenAsync("admin/audit");
            var page = admin.Page;
            var table = page.Locator("#audit-events");
            await Expect(table.Locator("tbody tr").First).ToBeVisibleAsync();

            // What happened: a reconciliation, in West Virginia. The row names the lead and the choice in words.
            await ChooseAsync(page, "What happened", "Reconciliation");
            await ChooseAsync(page, "Jurisdiction", "WV · West Virginia");
            await page.GetByRole(AriaRole.Button, new() { Name = "Show", Exact = true }).ClickAsync();
            await Expect(table.Locator("tbody tr")).ToHaveCountAsync(1);
            var row = table.Locator("tbody tr").First;
            await Expect(row.GetByTestId("event-what")).ToHaveTextAsync("Reconciliation added");
            await Expect(row).ToContainTextAsync("Tara Trail");
            await Expect(row).ToContainTextAsync("Resolved by user: empty → Tara Trail");
            await Expect(row).ToContainTextAsync("Source: empty → pass 2");
            await Expect(row).Not.ToContainTextAsync(leadId);
            await Expect(row).Not.ToContainTextAsync("SecondPass");
            await Expect(row).Not.ToContainTextAsync("ResolvedValues");

            // Entry events of the same jurisdiction: passes and the entry, never the other jurisdiction's.
            await ChooseAsync(page, "What happened", "Entry (passes, claims, drafts)");
            await page.GetByRole(AriaRole.Button, new() { Name = "Show", Exact = true }).ClickAsync();
            await Expect(table.GetByTestId("event-what").Filter(new() { HasText = "Pass value added" }).First).ToBeVisibleAsync();
            await Expect(table).Not.ToContainTextAsync("→ WI");
            await Expect(table).Not.ToContainTextAsync("Insert");
            await ChooseAsync(page, "Record kind", "Pass");
            await page.GetByRole(AriaRole.Button, new() { Name = "Show", Exact = true }).ClickAsync();
            await Expect(table.GetByTestId("event-what")).ToHaveTextAsync(["Pass added", "Pass added"]);
            await Expect(table).ToContainTextAsync("User: empty → Ivo Audited");
            await ChooseAsync(page, "Record kind", "Entry");
            await page.GetByRole(AriaRole.Button, new() { Name = "Show", Exact = true }).ClickAsync();
            await Expect(table.GetByTestId("event-what").Filter(new() { HasText = "Entry added" })).ToHaveCountAsync(1);
            await Expect(table).ToContainTextAsync("Data date: empty → 2021-01-08");
            await Expect(table).ToContainTextAsync("Jurisdiction code: empty → WV");
            await Expect(table).Not.ToContainTextAsync("01/08/2021");
            await Expect(table.Locator("time").First).ToHaveTextAsync(new Regex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$"));
            await Accessibility.AssertAccessibleAsync(admin, "audit trail filtered by what happened and jurisdiction");

            // Sign-ins, in words.
            await admin.OpenAsync("admin/audit");
            await ChooseAsync(page, "What happened", "Sign-in");
            await page.GetByRole(AriaRole.Button, new() { Name = "Show", Exact = true }).ClickAsync();
            await Expect(table.GetByTestId("event-what").Filter(new() { HasText = "Signed in" }).First).ToBeVisibleAsync();
            await Expect(table.GetByTestId("event-what").Filter(new() { HasNotText = "Signed in" }).Filter(new() { HasNotText = "Sign-in" }).Filter(new() { HasNotText = "Signed out" }).Filter(new() { HasNotText = "Failed sign-in" })).ToHaveCountAsync(0);
        });
    }
}
