using CovidEntry.App.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CovidEntry.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class KeyboardEntryAndDraftTests(BrowserFixture browser, ITestOutputHelper output) : BrowserTest(browser, output)
{
    [Fact]
    public async Task AVolunteerEntersByKeyboardAndPasteAndLosesNothingToAReloadOrAnAppRestart()
    {
        await RunAsync(ScenarioAsync);
    }

    private async Task ScenarioAsync()
    {
        var email = await Browser.CreatePersonAsync("Kim Keys");
        var shift = await Browser.OpenShiftAsync("keyboard shift", new DateOnly(2020, 11, 20), ["VT"], firstPassEmail: email);
        var passPath = $"entries/{shift.Entries.Single().EntryId}/pass/1";
        var kim = await PersonAsync("Kim");
        await kim.SignInAsync(email, BrowserFixture.AdminPassword);
        await OpenPassAsync(kim, passPath);
        var page = kim.Page;

        // Enter moves to the next field in catalog order.
        var positive = Field(page, "positive");
        await positive.FocusAsync();
        await positive.PressSequentiallyAsync("12,345");

        // Every keystroke stays: a render for an earlier one must never reset the field (it did once).
        // Once the server has saved the last key and the page shows that save, every render the keys
        // caused has reached the page, and the field must still hold all of them.
        await DraftHoldsAsync(passPath, "positive", "12,345");
        await Expect(page.GetByTestId("draft-status")).ToContainTextAsync("Draft saved at");
        await Expect(positive).ToHaveValueAsync("12,345", new() { Timeout = 1 });
        await positive.PressAsync("Enter");
        await Expect(Field(page, "positiveCasesViral")).ToBeFocusedAsync();

        // A row copied from a spreadsheet fills that field and the ones after it.
        await PasteAsync(Field(page, "positiveCasesViral"), "11,000\t98,765\t1,345");
        await Expect(Field(page, "positiveCasesViral")).ToHaveValueAsync("11,000");
        await Expect(Field(page, "negative")).ToHaveValueAsync("98,765");
        await Expect(Field(page, "totalTestsViral")).ToHaveValueAsync("1,345");
        await Expect(page.GetByTestId("paste-message")).ToContainTextAsync("Pasted 3 values");

        await Field(page, "death").FillAsync("432");
        await DraftHoldsAsync(passPath, "death", "432");
        await Expect(page.GetByTestId("draft-status")).ToContainTextAsync("Draft saved at");
        await Accessibility.AssertAccessibleAsync(kim, "pass form with a saved draft");

        // A reload resumes the draft, with the cursor where it was.
        await OpenPassAsync(kim, passPath);
        await Expect(page.GetByTestId("draft-resumed")).ToBeVisibleAsync();
        await Expect(Field(page, "positive")).ToHaveValueAsync("12,345");
        await Expect(Field(page, "negative")).ToHaveValueAsync("98,765");
        await Expect(Field(page, "death")).ToHaveValueAsync("432");
        await Expect(Field(page, "death")).ToBeFocusedAsync();

        // So does a restart of the app.
        await Browser.RestartAppAsync();
        await OpenPassAsync(kim, passPath);
        await Expect(Field(page, "totalTestsViral")).ToHaveValueAsync("1,345");
        await Expect(Field(page, "death")).ToHaveValueAsync("432");

        // A part larger than its whole warns; the pass goes in only with a reason for it.
        await Field(page, "positiveCasesViral").FillAsync("13,000");
        var warning = page.GetByTestId("warning-PartExceedsWhole:positiveCasesViral");
        await Expect(warning).ToContainTextAsync("positiveCasesViral (13,000) is larger than positive (12,345)");
        await Field(page, "death").PressAsync("Control+Enter");
        await Expect(page.Locator("#submit-error")).ToContainTextAsync("Give a reason for each warning above");
        await Expect(warning).ToContainTextAsync("Pick a reason.");
        await Accessibility.AssertAccessibleAsync(kim, "pass form with an unanswered warning");
        await warning.GetByRole(AriaRole.Combobox).ClickAsync();
        await page.Locator(".mud-popover-open").GetByRole(AriaRole.Option, new() { Name = "Checked again: the source says so" }).ClickAsync();
        await Expect(warning.GetByRole(AriaRole.Combobox)).ToContainTextAsync("Checked again");

        // The source time and the notes are checked by the form's rules at their own field: a note
        // over the limit is refused there, and nothing is submitted until it is put right.
        // (an hour ago: an older one would warn that the source is stale)
        var sourceUpdated = DateTime.UtcNow.AddHours(-1);
        sourceUpdated = new DateTime(sourceUpdated.Year, sourceUpdated.Month, sourceUpdated.Day, sourceUpdated.Hour, sourceUpdated.Minute, 0, DateTimeKind.Utc);
        await page.Locator("input[data-field='SourceUpdatedAt']").FillAsync(sourceUpdated.ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        var note = page.Locator("textarea[data-field='PublicNote']");
        await note.FillAsync(new string('n', 4001));
        await Expect(page.Locator("#field-PublicNote-help")).ToHaveTextAsync("A note can be at most 4,000 characters.");
        await Expect(note).ToHaveAttributeAsync("aria-invalid", "true");
        await Field(page, "death").PressAsync("Control+Enter");
        await Expect(page.Locator("#submit-error")).ToContainTextAsync("Some fields need attention");
        await note.FillAsync("Read at 9:30 from the dashboard.");
        await Expect(page.Locator("#field-PublicNote-help")).ToHaveCountAsync(0);

        // Ctrl+Enter submits from any field.
        await Field(page, "death").PressAsync("Control+Enter");
        await Expect(page.Locator("#submit-outcome")).ToHaveTextAsync("Submitted. Waiting for the other pass.");
        await Expect(Field(page, "death")).ToHaveValueAsync("432");
        await using var app = Browser.Services();
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<CovidEntryDbContext>>().CreateDbContextAsync();
        var entryId = Guid.Parse(passPath.Split('/')[1]);
        var pass = await db.Entries.Where(e => e.Id == entryId).SelectMany(e => e.Passes).SingleAsync(p => p.Number == 1);
        Assert.Equal("Read at 9:30 from the dashboard.", pass.PublicNote);
        Assert.Equal(sourceUpdated, pass.SourceUpdatedAtUtc);
    }

    /// <summary>Waits until the pass's draft in PostgreSQL holds the text for the field (the autosave is debounced).</summary>
    private async Task DraftHoldsAsync(string passPath, string field, string text)
    {
        var entryId = Guid.Parse(passPath.Split('/')[1]);
        await using var app = Browser.Services();
        var drafts = app.Services.GetRequiredService<IDbContextFactory<CovidEntryDbContext>>();
        for (var tries = 0; tries < 300; tries++)
        {
            await using var db = await drafts.CreateDbContextAsync();
            var draft = await db.PassDrafts.SingleOrDefaultAsync(d => d.EntryId == entryId);
            if (draft?.Texts.GetValueOrDefault(field) == text)
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"The draft never held {field} = {text}.");
    }

    /// <summary>Opens the pass and waits until its keyboard shortcuts are attached.</summary>
    private static async Task OpenPassAsync(BrowserUser person, string path)
    {
        await person.OpenAsync(path);
        await Expect(person.Page.Locator("[data-testid='entry-form'][data-keyboard='ready']")).ToHaveCountAsync(1);
    }

    private static ILocator Field(IPage page, string metric) => page.Locator($"input[data-metric='{metric}']");

    /// <summary>What the browser does when a volunteer pastes cells copied from a spreadsheet.</summary>
    private static Task PasteAsync(ILocator field, string text) =>
        field.EvaluateAsync(
            """
            (field, text) => {
                field.focus();
                const data = new DataTransfer();
                data.setData("text/plain", text);
                field.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
            }
            """,
            text);
}
