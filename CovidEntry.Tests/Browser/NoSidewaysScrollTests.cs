using Microsoft.Playwright;
using Xunit.Abstractions;

namespace CovidEntry.Tests.Browser;

/// <summary>No page scrolls sideways on a laptop (1280 px) or a phone (390 px): long addresses and tables wrap or scroll in their own box.</summary>
[Collection(BrowserCollection.Name)]
public sealed class NoSidewaysScrollTests(BrowserFixture browser, ITestOutputHelper output) : BrowserTest(browser, output)
{
    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task NoPageScrollsSideways(int width)
    {
        await RunAsync(async () =>
        {
            var date = new DateOnly(2021, 1, width == 390 ? 14 : 15);
            var oneEmail = await Browser.CreatePersonAsync($"Sid Scroll {width}");
            var twoEmail = await Browser.CreatePersonAsync($"Sal Scroll {width}");
            // Wyoming's sources have the longest addresses of all.
            var shift = await Browser.OpenShiftAsync($"scroll shift {width}", date, ["WY", "MT"], firstPassEmail: BrowserFixture.AdminEmail);
            var mt = shift.Entries.Single(e => e.Code == "MT").EntryId;
            await using (var arrange = new Arrange(Browser))
            {
                await arrange.AssignAsync(shift, "MT", 1, oneEmail);
                await arrange.AssignAsync(shift, "MT", 2, twoEmail);
                await arrange.SubmitAsync(mt, 1, oneEmail, new Dictionary<string, string> { ["positive"] = "1,000" });
                await arrange.SubmitAsync(mt, 2, twoEmail, new Dictionary<string, string> { ["positive"] = "1,001" });
            }

            string[] pages =
            [
                "", "work", "history", "history/WY", $"history/MT/{date:yyyy-MM-dd}/positive", "shifts", "shifts/new", $"shifts/{shift.Id}",
                $"shifts/{shift.Id}/review", $"entries/{shift.Entries.Single(e => e.Code == "WY").EntryId}/pass/1", $"entries/{mt}/reconcile",
                "edits", "jurisdictions", "jurisdictions/WY/sources", "quality/suppressions", "screenshots/captures", "staleness",
                "stats/double-entry", "admin/audit", "admin/users", "admin/import", "admin/snapshots", "data", "data/WY", "data/WY/screenshots",
            ];
            var admin = await PersonAsync($"Ada at {width}", width: width);
            await admin.SignInAsync(BrowserFixture.AdminEmail, BrowserFixture.AdminPassword);
            var wide = new List<string>();
            foreach (var path in pages)
            {
                await admin.OpenAsync(path);
                wide.AddRange(await SidewaysAsync(admin.Page, path));
            }

            foreach (var path in new[] { "Account/Manage", "Account/Manage/ChangePassword" })
            {
                await admin.Page.GotoAsync(path);
                wide.AddRange(await SidewaysAsync(admin.Page, path));
            }

            var visitor = await PersonAsync($"Visitor at {width}", width: width);
            await visitor.Page.GotoAsync("Account/Login");
            wide.AddRange(await SidewaysAsync(visitor.Page, "Account/Login"));
            await visitor.OpenAsync("data/WY");
            wide.AddRange(await SidewaysAsync(visitor.Page, "data/WY (signed out)"));

            Assert.True(wide.Count == 0, $"At {width} px these pages scroll sideways:\n" + string.Join("\n", wide));
        });
    }

    /// <summary>The page, with the elements that stick out past the window's right edge, if it scrolls sideways.</summary>
    private static async Task<IReadOnlyList<string>> SidewaysAsync(IPage page, string path)
    {
        var found = await page.EvaluateAsync<string[]>(
            """
            () => {
                const root = document.documentElement;
                if (root.scrollWidth <= root.clientWidth) return [];
                const edge = root.clientWidth;
                const culprits = [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > edge + 1)
                    .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > edge + 1))
                    .slice(0, 4)
                    .map(e => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${[...e.classList].join('.')} (${Math.round(e.getBoundingClientRect().right)} px): ${(e.textContent || '').trim().slice(0, 60)}`);
                return [`scrollWidth ${root.scrollWidth} > ${root.clientWidth}`, ...culprits];
            }
            """);
        return found.Length == 0 ? [] : [$"{path}: {string.Join(" | ", found)}"];
    }
}
