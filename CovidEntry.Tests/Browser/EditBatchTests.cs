using System.Text.RegularExpressions;
using CovidEntry.Domain.People;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CovidEntry.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class EditBatchTests(BrowserFixture browser, ITestOutputHelper output) : BrowserTest(browser, output)
{
    [Fact]
    public async Task ALeadCorrectsHistoryAndOnlyASecondPersonCanPublishIt()
    {
        await RunAsync(ScenarioAsync);
    }

    private async Task ScenarioAsync()
    {
        var leadEmail = await Browser.CreatePersonAsync("Edna Editor", Roles.ShiftLead);
        var edna = await PersonAsync("Edna");
        await edna.SignInAsync(leadEmail, BrowserFixture.AdminPassword);
        await edna.OpenAsync("edits");

        // Opening needs a note: the message appears at the field and nothing is opened.
        await ChooseAsync(edna.Page, "Jurisdiction", "WY · Wyoming");
        await FillDateAsync(edna.Page.GetByRole(AriaRole.Textbox, new() { Name = "From", Exact = true }), "2020-10-01");
        await FillDateAsync(edna.Page.GetByRole(AriaRole.Textbox, new() { Name = "To", Exact = true }), "2020-10-03");
        await Expect(edna.Page.GetByRole(AriaRole.Textbox, new() { Name = "From", Exact = true })).ToHaveValueAsync("2020-10-01");
        await edna.Page.GetByRole(AriaRole.Button, new() { Name = "Open edit batch" }).ClickAsync();
        await Expect(edna.Page.GetByText("Say why history is being corrected")).ToBeVisibleAsync();
        await Expect(edna.Page).ToHaveURLAsync(new Regex("/edits$"));

        await edna.Page.GetByLabel("Why is history corrected?").FillAsync("Wyoming added probable deaths for early October");
        await edna.Page.GetByLabel("Link backing the correction").FillAsync("https://health.wyo.gov/publichealth/infectious-disease-epidemiology-unit/disease/novel-coronavirus/");
        await edna.Page.GetByRole(AriaRole.Button, new() { Name = "Open edit batch" }).ClickAsync();
        await Expect(edna.Page).ToHaveURLAsync(new Regex("/edits/[0-9a-f-]{36}$"));
        var editPath = new Uri(edna.Page.Url).AbsolutePath.TrimStart('/');
        await edna.OpenAsync(editPath);

        // A bad value is refused at its cell; a good one is saved and shows in the diff.
        var cell = edna.Page.GetByLabel("Deaths (confirmed + probable) on 2020-10-02");
        await cell.FillAsync("12.5");
        await cell.PressAsync("Tab");
        await Expect(edna.Page.Locator("#cell-death-20201002-error")).ToHaveTextAsync("Enter a whole number: decimals are not allowed.");
        await Expect(edna.Page.GetByText("No cell is changed yet.")).ToBeVisibleAsync();
        await cell.FillAsync("1,234");
        await cell.PressAsync("Tab");
        var change = edna.Page.Locator("#edit-diff tr[data-metric='death'][data-date='2020-10-02']");
        await Expect(change).ToContainTextAsync("empty");
        await Expect(change).ToContainTextAsync("1,234");
        await Expect(edna.Page.Locator("#cell-death-20201002-error")).ToHaveCountAsync(0);

        // Four eyes: the author cannot publish.
        await Expect(edna.Page.Locator("#why-not-publish")).ToContainTextAsync("another lead or an admin must approve");
        await Expect(edna.Page.GetByRole(AriaRole.Button, new() { Name = "Approve and publish" })).ToBeDisabledAsync();
        await Accessibility.AssertAccessibleAsync(edna, "edit page with a change");

        var ada = await PersonAsync("Ada");
        await ada.SignInAsync(BrowserFixture.AdminEmail, BrowserFixture.AdminPassword);
        await ada.OpenAsync(editPath);
        await Expect(ada.Page.GetByTestId("edit-note")).ToHaveTextAsync("Wyoming added probable deaths for early October");
        await Expect(ada.Page.Locator("#edit-diff tbody tr")).ToHaveCountAsync(1);
        await Expect(ada.Page.GetByLabel("Deaths (confirmed + probable) on 2020-10-02")).ToHaveAttributeAsync("readonly", "");
        await ada.Page.GetByRole(AriaRole.Button, new() { Name = "Approve and publish" }).ClickAsync();
        await Expect(ada.Page.Locator("#edit-message")).ToHaveTextAsync("Published: 1 new versions.");
        await Expect(ada.Page.GetByTestId("edit-state")).ToHaveTextAsync("published by Ada Admin");
        await Accessibility.AssertAccessibleAsync(ada, "edit page after publishing");

        // The published value is on the jurisdiction's history page, and its timeline names the edit.
        await ada.OpenAsync("history/WY");
        await Accessibility.AssertAccessibleAsync(ada, "history page");
        await ada.Page.GetByRole(AriaRole.Link, new() { Name = "Deaths (confirmed + probable) on 2020-10-02: versions" }).ClickAsync();
        await Expect(ada.Page.GetByTestId("version-1")).ToContainTextAsync("Version 1: 1,234");
        await Expect(ada.Page.GetByTestId("version-1")).ToContainTextAsync("by Ada Admin, in an edit batch");
        await Expect(ada.Page.GetByTestId("version-1")).ToContainTextAsync("Note: Wyoming added probable deaths for early October");
        await Accessibility.AssertAccessibleAsync(ada, "cell timeline");
        await ada.OpenAsync("history/WY?asOf=2020-01-01T00:00Z");
        await Expect(ada.Page.Locator("#history-empty")).ToContainTextAsync("Nothing was published for WY by then.");

        await using var anonymous = await Browser.Browser.NewContextAsync();
        var csv = await Eventually.ReadAsync(async () => await (await anonymous.APIRequest.GetAsync($"{Browser.BaseUrl}/api/v1/states/wy/daily.csv")).TextAsync(),
            text => text.Contains("\"WY\"", StringComparison.Ordinal));
        var lines = csv.Split('\n');
        var columns = lines[0].Split(',').Select(c => c.Trim('"')).ToList();
        var row = Assert.Single(lines.Skip(1)).Split(',');
        Assert.Equal(("\"2020-10-02\"", "\"WY\"", "1234"), (row[0], row[1], row[columns.IndexOf("death")]));
    }
}
