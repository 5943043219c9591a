using System.Globalization;
using CovidEntry.Domain.People;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CovidEntry.Tests.Browser;

/// <summary>Times show in each person's own zone, named; UTC, named, while prerendering; public pages say their zone.</summary>
[Collection(BrowserCollection.Name)]
public sealed class TimeZoneTests(BrowserFixture browser, ITestOutputHelper output) : BrowserTest(browser, output)
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly TimeZoneInfo Kolkata = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");

    [Fact]
    public async Task EachPersonReadsTimesInTheirOwnZoneOnEveryPageAndThePublicPagesSayWhichZone()
    {
        await RunAsync(async () =>
        {
            var leadEmail = await Browser.CreatePersonAsync("Nora Newyork", Roles.ShiftLead, Roles.Admin);
            var oneEmail = await Browser.CreatePersonAsync("Kiran Kolkata");
            var twoEmail = await Browser.CreatePersonAsync("Zed Zone");
            var shift = await Browser.OpenShiftAsync("zone shift", new DateOnly(2021, 1, 13), ["VA", "UT"], firstPassEmail: oneEmail);
            var va = shift.Entries.Single(e => e.Code == "VA").EntryId;
            await using (var arrange = new Arrange(Browser))
            {
                await arrange.AssignAsync(shift, "VA", 2, twoEmail);
                await arrange.SubmitAsync(va, 1, oneEmail, new Dictionary<string, string> { ["death"] = "5" });
                await arrange.SubmitAsync(va, 2, twoEmail, new Dictionary<string, string> { ["death"] = "6" });
            }

            // A lead in New York: the reconcile page, the shift's review, the audit trail and the captures list.
            var nora = await PersonAsync("Nora", timeZone: "America/New_York");
            await nora.SignInAsync(leadEmail, BrowserFixture.AdminPassword);
            await nora.OpenAsync($"entries/{va}/reconcile");
            await ExpectTimesInAsync(nora.Page, NewYork, 2);
            await nora.OpenAsync($"shifts/{shift.Id}/review");
            var passes = nora.Page.GetByTestId("review-VA");
            var submittedUtc = await SubmittedAtAsync(va);
            await Expect(passes).ToContainTextAsync($"pass 1 by Kiran Kolkata at {Local(submittedUtc, NewYork, "HH:mm")}");
            await nora.OpenAsync("admin/audit");
            await ExpectTimesInAsync(nora.Page, NewYork, 1);
            await Expect(nora.Page.GetByText("From (America/New_York)")).ToBeVisibleAsync();
            await nora.OpenAsync("screenshots/captures");
            await ExpectTimesInAsync(nora.Page, NewYork, 0);

            // A volunteer in Kolkata (UTC+5:30) sees when she took her pass in her own time.
            var kiran = await PersonAsync("Kiran", timeZone: "Asia/Kolkata");
            await kiran.SignInAsync(oneEmail, BrowserFixture.AdminPassword);
            await kiran.OpenAsync("work");
            var utWhen = await ClaimedAtAsync(shift.Id, "UT");
            await Expect(kiran.Page.GetByTestId("state-UT")).ToContainTextAsync($"Yours since {Local(utWhen, Kolkata, "HH:mm")}");
            await Expect(kiran.Page.GetByTestId("state-UT")).ToContainTextAsync("UTC+5:30");

            // The public data page says which zone its times are in: the reader's once known, UTC as first sent.
            var visitor = await PersonAsync("Visitor", timeZone: "America/New_York");
            await visitor.OpenAsync("data");
            await Expect(visitor.Page.Locator("main")).ToContainTextAsync("Times are shown in your time zone, America/New_York");
            using var http = new HttpClient();
            var prerendered = await http.GetStringAsync($"{Browser.BaseUrl}/data/VA/screenshots");
            Assert.Contains("Times are shown in UTC.", prerendered, StringComparison.Ordinal);
            await Accessibility.AssertAccessibleAsync(visitor, "data page in the reader's zone");
        });
    }

    /// <summary>Every time on the page shows its UTC moment (its datetime) in the zone, with the zone's offset named.</summary>
    private static async Task ExpectTimesInAsync(IPage page, TimeZoneInfo zone, int atLeast)
    {
        var times = page.Locator("main time");
        if (atLeast > 0)
        {
            await Expect(times.Nth(atLeast - 1)).ToBeVisibleAsync();
            await Expect(times.First).Not.ToHaveTextAsync(new System.Text.RegularExpressions.Regex(" UTC$"), new() { Timeout = 10_000 });
        }

        foreach (var time in await times.AllAsync())
        {
            var utc = DateTime.Parse((await time.GetAttributeAsync("datetime"))!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
            var text = await time.InnerTextAsync();
            Assert.StartsWith(Local(utc, zone, "yyyy-MM-dd HH:mm"), text, StringComparison.Ordinal);
            Assert.EndsWith(Offset(utc, zone), text, StringComparison.Ordinal);
        }
    }

    private static string Local(DateTime utc, TimeZoneInfo zone, string format) =>
        TimeZoneInfo.ConvertTimeFromUtc(utc, zone).ToString(format, CultureInfo.InvariantCulture);

    private static string Offset(DateTime utc, TimeZoneInfo zone)
    {
        var offset = zone.GetUtcOffset(utc);
        var sign = offset < TimeSpan.Zero ? "\u2212" : "+";
        return offset.Minutes == 0 ? $"UTC{sign}{Math.Abs(offset.Hours)}" : $"UTC{sign}{Math.Abs(offset.Hours)}:{Math.Abs(offset.Minutes):00}";
    }

    private async Task<DateTime> SubmittedAtAsync(Guid entryId)
    {
        await using var arrange = new Arrange(Browser);
        var detail = await arrange.Get<CovidEntry.App.Features.Reconcile.ReconcileService>().GetAsync(entryId);
        return detail.Passes.Single(p => p.Number == 1).SubmittedAtUtc;
    }

    private async Task<DateTime> ClaimedAtAsync(Guid shiftId, string code)
    {
        await using var arrange = new Arrange(Browser);
        return (await arrange.ShiftAsync(shiftId)).Entries.Single(e => e.Code == code).FirstPassClaimedAtUtc!.Value;
    }
}
