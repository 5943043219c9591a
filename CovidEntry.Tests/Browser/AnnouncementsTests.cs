using CovidEntry.Domain.People;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CovidEntry.Tests.Browser;

/// <summary>
/// Every message after an action is read out (a live region that was on the page before it) and
/// shows where the person acted; a quality warning shows at the field it is about, and in the list.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AnnouncementsTests(BrowserFixture browser, ITestOutputHelper output) : BrowserTest(browser, output)
{
    [Fact]
    public async Task AVolunteerSeesAWarningAtItsFieldAndHearsWhatHerSubmitDid()
    {
        await RunAsync(async () =>
        {
            var email = await Browser.CreatePersonAsync("Wren Warned");
            var shift = await Browser.OpenShiftAsync("warning shift", new DateOnly(2021, 1, 11), ["ND"], firstPassEmail: email);
            var wren = await PersonAsync("Wren");
            await wren.SignInAsync(email, BrowserFixture.AdminPassword);
            await wren.OpenAsync($"entries/{shift.Entries.Single().EntryId}/pass/1");
            var page = wren.Page;
            await Expect(page.Locator("[data-testid='entry-form'][data-keyboard='ready']")).ToHaveCountAsync(1);

            // The live regions are there, empty, before anything is said into them.
            await Expect(page.Locator("[data-live='submit-error']")).ToHaveAttributeAsync("role", "alert");
            await Expect(page.Locator("[data-live='submit-outcome']")).ToHaveAttributeAsync("aria-live", "polite");

            // Typed by keyboard: a part larger than its whole warns at that field, and in the list below.
            await Field(page, "positive").FocusAsync();
            await page.Keyboard.TypeAsync("500");
            await page.Keyboard.PressAsync("Enter");
            await Expect(Field(page, "positiveCasesViral")).ToBeFocusedAsync();
            await page.Keyboard.TypeAsync("700");
            var atField = page.Locator(".metric-field").Filter(new() { Has = Field(page, "positiveCasesViral") }).GetByTestId("field-warning-positiveCasesViral");
            await Expect(atField).ToContainTextAsync("positiveCasesViral (700) is larger than positive (500)");
            await Expect(Field(page, "positiveCasesViral")).ToHaveAttributeAsync("aria-describedby", "metric-positiveCasesViral-help metric-positiveCasesViral-warning");
            await Expect(page.GetByTestId("warning-PartExceedsWhole:positiveCasesViral")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("field-warning-positive")).ToHaveCountAsync(0);

            // Submitting without a reason: the refusal is read out at once, just above the submit button.
            await page.Keyboard.PressAsync("Control+Enter");
            var error = page.Locator("[data-live='submit-error'][role='alert'] #submit-error");
            await Expect(error).ToContainTextAsync("Give a reason for each warning above");
            Assert.True(await IsJustBeforeAsync(page, "[data-live='submit-error']", "[data-shortcut='submit']"), "The refusal is not next to the submit button.");
            await Accessibility.AssertAccessibleAsync(wren, "pass form with a warning at its field");

            // Fixed, the warning leaves its field; submitted, the outcome is read out where the button was.
            await Field(page, "positiveCasesViral").FillAsync("400");
            await Expect(page.GetByTestId("field-warning-positiveCasesViral")).ToHaveCountAsync(0);
            await Field(page, "positiveCasesViral").PressAsync("Control+Enter");
            var outcome = page.Locator("[data-live='submit-outcome'][role='status'] #submit-outcome");
            await Expect(outcome).ToHaveTextAsync("Submitted. Waiting for the other pass.");
            await Expect(page.Locator("#submit-error")).ToHaveCountAsync(0);
            Assert.True(await IsAfterAsync(page, "[data-live='submit-outcome']", "[data-testid='entry-form']"), "The outcome is not below the form.");
        });
    }

    [Fact]
    public async Task ALeadHearsWhatAnApprovalOrAnAssignmentDidInTheRowOrCardSheActedOn()
    {
        await RunAsync(async () =>
        {
            var leadEmail = await Browser.CreatePersonAsync("Ava Announced", Roles.ShiftLead);
            var oneEmail = await Browser.CreatePersonAsync("Otto One");
            var twoEmail = await Browser.CreatePersonAsync("Tess Two");
            var shift = await Browser.OpenShiftAsync("announced shift", new DateOnly(2021, 1, 12), ["SD", "SC"], firstPassEmail: oneEmail);
            var values = new Dictionary<string, string> { ["positive"] = "10" };
            await using (var arrange = new Arrange(Browser))
            {
                await arrange.AssignAsync(shift, "SD", 2, twoEmail);
                var sd = shift.Entries.Single(e => e.Code == "SD").EntryId;
                await arrange.SubmitAsync(sd, 1, oneEmail, values);
                await arrange.SubmitAsync(sd, 2, twoEmail, values);
            }

            var ava = await PersonAsync("Ava");
            await ava.SignInAsync(leadEmail, BrowserFixture.AdminPassword);

            // An assignment refused: said in the row, read out at once.
            await ava.OpenAsync($"shifts/{shift.Id}");
            var row = ava.Page.GetByTestId("entry-SC");
            await row.GetByRole(AriaRole.Combobox, new() { Name = "SC pass 2" }).ClickAsync();
            await ava.Page.Locator(".mud-popover-open").GetByRole(AriaRole.Option, new() { Name = "Otto One", Exact = true }).ClickAsync();
            await Expect(row.Locator("[role='alert'] #assign-error-SC")).ToContainTextAsync("The same person cannot do both passes of SC");
            await Accessibility.AssertAccessibleAsync(ava, "shift page with a refused assignment");

            // An approval: said in the entry's own card, read out politely.
            await ava.OpenAsync($"shifts/{shift.Id}/review");
            var card = ava.Page.GetByTestId("review-SD");
            await card.GetByRole(AriaRole.Button, new() { Name = "Approve SD" }).ClickAsync();
            await Expect(card.Locator("[role='status'] #entry-message-SD")).ToHaveTextAsync("Approved SD.");
            await Expect(ava.Page.GetByTestId("review-SC").Locator("#entry-message-SC")).ToHaveCountAsync(0);
            await Accessibility.AssertAccessibleAsync(ava, "review page after an approval");
        });
    }

    private static ILocator Field(IPage page, string metric) => page.Locator($"input[data-metric='{metric}']");

    /// <summary>True when the first element comes before the second with nothing but its siblings' empty regions between.</summary>
    private static Task<bool> IsJustBeforeAsync(IPage page, string first, string second) =>
        page.EvaluateAsync<bool>(
            """
            ([a, b]) => {
                const x = document.querySelector(a), y = document.querySelector(b);
                if (!x || !y || !(x.compareDocumentPosition(y) & Node.DOCUMENT_POSITION_FOLLOWING)) return false;
                const gap = y.getBoundingClientRect().top - x.getBoundingClientRect().bottom;
                return gap >= 0 && gap < 200;
            }
            """, new[] { first, second });

    private static Task<bool> IsAfterAsync(IPage page, string later, string earlier) =>
        page.EvaluateAsync<bool>(
            "([a, b]) => { const x = document.querySelector(a), y = document.querySelector(b); return !!x && !!y && !!(y.compareDocumentPosition(x) & Node.DOCUMENT_POSITION_FOLLOWING); }",
            new[] { later, earlier });
}
