using System.Security.Cryptography;
using System.Text;
using CovidEntry.App.Features.Imports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CovidEntry.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class DataPageTests(BrowserFixture browser, ITestOutputHelper output) : BrowserTest(browser, output)
{
    [Fact]
    public async Task AnAdminMakesASnapshotAndThePublicDownloadsItsCheckedFilesFromTheDataPage()
    {
        await RunAsync(ScenarioAsync);
    }

    private async Task ScenarioAsync()
    {
        // Something published that no other browser test looks at: New York's first days of the CTP sample.
        await ImportNewYorkAsync();

        var ada = await PersonAsync("Ada");
        await ada.SignInAsync(BrowserFixture.AdminEmail, BrowserFixture.AdminPassword);
        await ada.OpenAsync("admin/snapshots");
        await ada.Page.GetByRole(AriaRole.Button, new() { Name = "Make a snapshot now" }).ClickAsync();
        await Expect(ada.Page.Locator("#snapshot-message")).ToContainTextAsync("Snapshot published");
        await Expect(ada.Page.GetByTestId("snapshot-state").First).ToHaveTextAsync("Published");
        await Accessibility.AssertAccessibleAsync(ada, "snapshots admin page");

        var visitor = await PersonAsync("Visitor");
        await visitor.OpenAsync("data");
        var csvRow = visitor.Page.Locator("#latest-files tr[data-file='states-daily.csv']");
        await Expect(csvRow).ToBeVisibleAsync();
        var shown = (await csvRow.Locator("code.sha").InnerTextAsync()).Trim();
        await Accessibility.AssertAccessibleAsync(visitor, "data page");

        var download = await visitor.Page.RunAndWaitForDownloadAsync(() => csvRow.GetByRole(AriaRole.Link, new() { Name = "states-daily.csv" }).ClickAsync());
        var bytes = await File.ReadAllBytesAsync((await download.PathAsync())!);
        Assert.Equal(shown, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        Assert.Contains("\"2020-11-03\",\"NY\",", Encoding.UTF8.GetString(bytes));

        // The live files: when each changed, its sizes as sent, and the hash of exactly what is downloaded.
        var liveRow = visitor.Page.Locator("#live-files tr[data-file='api/v1/states/daily.csv']");
        for (var tries = 0; ; tries++)
        {
            await Expect(liveRow).ToBeVisibleAsync();
            var liveSha = (await liveRow.Locator("code.sha").InnerTextAsync()).Trim();
            var live = await (await visitor.Page.APIRequest.GetAsync($"{Browser.BaseUrl}/api/v1/states/daily.csv")).BodyAsync();
            if (liveSha == Convert.ToHexStringLower(SHA256.HashData(live)) || tries == 20)
            {
                Assert.Equal(liveSha, Convert.ToHexStringLower(SHA256.HashData(live)));
                break;
            }

            // The files were made again since the page was drawn (another publish): draw it again.
            await visitor.OpenAsync("data");
        }

        await Expect(visitor.Page.Locator("#live-files-freshness")).ToContainTextAsync("Made from everything published up to");
        await visitor.Page.GetByRole(AriaRole.Link, new() { Name = "what changed" }).ClickAsync();
        await Expect(visitor.Page.Locator("#changelog-summary")).ToContainTextAsync("rows added");
        await Expect(visitor.Page.Locator("#added-rows")).ToContainTextAsync("NY 2020-11-03");
        await Accessibility.AssertAccessibleAsync(visitor, "snapshot page");

        // From the data page to New York's own page: its numbers, charts, notes and sources.
        await visitor.OpenAsync("data");
        await visitor.Page.Locator("#jurisdiction-pages").GetByRole(AriaRole.Link, new() { Name = "New York", Exact = true }).ClickAsync();
        await Expect(visitor.Page.GetByRole(AriaRole.Heading, new() { Name = "New York (NY)", Level = 1 })).ToBeVisibleAsync();
        var ny = CtpSample.HistoryRows().Single(r => r["state"] == "NY" && r["date"] == "2020-11-03");
        var newest = visitor.Page.Locator("#recent-days tr[data-date='2020-11-03']");
        await Expect(newest.Locator("td[data-series='cases']")).ToHaveTextAsync(long.Parse(ny["positiveIncrease"]).ToString("#,0", System.Globalization.CultureInfo.InvariantCulture));
        await Expect(visitor.Page.Locator("#recent-days tbody tr")).ToHaveCountAsync(3);
        await Expect(visitor.Page.Locator("section[data-series='hospitalized'] figure svg")).ToBeVisibleAsync();
        await Expect(visitor.Page.Locator("#jurisdiction-notes strong").First).ToBeVisibleAsync();
        await Expect(visitor.Page.Locator("#jurisdiction-sources a").First).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^https://"));
        await Accessibility.AssertAccessibleAsync(visitor, "jurisdiction page");

        // As published at a moment: a time that is not one is refused at the field; one before the import shows nothing yet.
        var asOf = visitor.Page.GetByLabel("As published at (UTC)", new() { Exact = false });
        await asOf.FillAsync("last tuesday");
        await visitor.Page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Expect(visitor.Page.GetByText("Give a time such as 2020-12-15T00:00Z.")).ToBeVisibleAsync();
        await asOf.FillAsync("2020-01-01T00:00Z");
        await visitor.Page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Expect(visitor.Page.Locator("#jurisdiction-summary")).ToContainTextAsync("Nothing had been published for New York by 2020-01-01 00:00 UTC.");
        await Expect(visitor.Page.Locator("#recent-days")).ToHaveCountAsync(0);
        await visitor.Page.GetByRole(AriaRole.Link, new() { Name = "As published now" }).ClickAsync();
        await Expect(visitor.Page.Locator("#recent-days tbody tr")).ToHaveCountAsync(3);
    }

    private async Task ImportNewYorkAsync()
    {
        var report = await TestApp.ImportCtpAsync(Browser.ConnectionString, CtpSample.HistoryOf("NY", before: new DateOnly(2020, 11, 4)), "ny.csv");
        Assert.Equal(3, report.Rows);
    }
}
