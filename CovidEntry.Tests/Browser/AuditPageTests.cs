using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CovidEntry.Tests.Browser;

/// <summary>The audit page in Chromium: filter, a record's history, and the CSV export.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AuditPageTests(BrowserFixture browser, ITestOutputHelper output) : BrowserTest(browser, output)
{
    [Fact]
    public async Task AnAdminFiltersTheTrailFollowsARecordsHistoryAndExportsIt()
    {
        await RunAsync(ScenarioAsync);
    }

    private async Task ScenarioAsync()
    {
        var shift = await Browser.OpenShiftAsync("audited shift", new DateOnly(2020, 12, 9), ["ME"]);
        var admin = await PersonAsync("Ada");
        await admin.SignInAsync(BrowserFixture.AdminEmail, BrowserFixture.AdminPassword);
        await admin.OpenAsync("admin/audit");
        var page = admin.Page;
        var table = page.Locator("#audit-events");
        await Expect(table.Locator("tbody tr").First).ToBeVisibleAsync();

        // Narrow to the shift's own record and follow its history.
        await page.GetByLabel("Record key").FillAsync(shift.Id.ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Show", Exact = true }).ClickAsync();
        await Expect(table.Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(table).ToContainTextAsync("Shift added");
        await Expect(table).ToContainTextAsync("audited shift");
        await table.GetByRole(AriaRole.Button, new() { Name = $"History of Shift {shift.Id}" }).ClickAsync();
        await Expect(table.Locator("tbody tr").First).ToContainTextAsync("Shift added");
        await Accessibility.AssertAccessibleAsync(admin, "audit trail");

        // The export gives the same events as CSV (and is itself on record).
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("audit-export").ClickAsync());
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.StartsWith("id,occurredAtUtc,userId,userName,action,entityType,entityKey,changes", csv, StringComparison.Ordinal);
        Assert.Contains(shift.Id.ToString(), csv, StringComparison.Ordinal);
        await admin.OpenAsync("admin/audit");
        await Expect(table.Locator("tbody tr").First).ToBeVisibleAsync();
        await page.GetByLabel("Record key").FillAsync("/admin/audit/export.csv");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show", Exact = true }).ClickAsync();
        await Expect(table.Locator("tbody tr").First).ToContainTextAsync("Downloaded a file");
    }
}
