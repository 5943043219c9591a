using System.Text;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CovidEntry.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class HistoryImportTests(BrowserFixture browser, ITestOutputHelper output) : BrowserTest(browser, output)
{
    [Fact]
    public async Task AnAdminImportsAHistoryFileLeavesThePageAndFindsTheReportOnReturning()
    {
        await RunAsync(ScenarioAsync);
    }

    private async Task ScenarioAsync()
    {
        var ada = await PersonAsync("Ada");
        await ada.SignInAsync(BrowserFixture.AdminEmail, BrowserFixture.AdminPassword);
        await ada.OpenAsync("admin/import");

        // Idaho's two weeks from the CTP sample, moved to September: the other browser tests share
        // this app and read its public files, but none reads Idaho or those dates.
        var idaho = CtpSample.HistoryOf("ID").Replace("\"2020-11-", "\"2020-09-", StringComparison.Ordinal);
        var file = new FilePayload { Name = "idaho.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(idaho) };
        var chooser = await ada.Page.RunAndWaitForFileChooserAsync(() =>
            ada.Page.GetByRole(AriaRole.Button, new() { Name = "Choose a CSV file and import it" }).ClickAsync());
        await chooser.SetFilesAsync(file);
        await Expect(ada.Page.Locator("#import-progress")).ToContainTextAsync("idaho.csv, started");
        await ada.OpenAsync("data");
        await ada.OpenAsync("admin/import");

        await Expect(ada.Page.Locator("#import-summary")).ToContainTextAsync("Imported idaho.csv: 14 rows");
        await Expect(ada.Page.Locator("#import-progress")).ToContainTextAsync("done.");
        await Accessibility.AssertAccessibleAsync(ada, "import page");

        await ada.OpenAsync("data/ID");
        await Expect(ada.Page.Locator("#recent-days tbody tr")).ToHaveCountAsync(14);
    }
}
