using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CovidEntry.Tests.Browser;

/// <summary>
/// A jurisdiction's public page, <c>/data/{code}</c>, shows each running total beside its daily
/// change, and "not reported" where the jurisdiction gave no number, never the 0 (or the negative
/// number) that CTP's arithmetic puts in the files' change columns. In Chromium against the running app.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PublicJurisdictionPageTests(BrowserFixture browser, ITestOutputHelper output) : BrowserTest(browser, output)
{
    // Nebraska's two weeks of the CTP sample, no other browser test publishes any of it.
    private const string Code = "NE";

    [Fact]
    public async Task ThePageShowsRunningTotalsAndSaysNotReportedWhereNothingWasReported()
    {
        await RunAsync(async () =>
        {
            // Nebraska gave no case count on the 12th and 13th, and no deaths or hospital count on the 14th.
            await TestApp.ImportCtpAsync(Browser.ConnectionString, WithoutNumbers(CtpSample.HistoryOf(Code), new()
            {
                ["2020-11-12"] = ["positive"],
                ["2020-11-13"] = ["positive"],
                ["2020-11-14"] = ["death", "hospitalizedCurrently"],
            }), "ne.csv");

            var visitor = await PersonAsync("Visitor");
            await visitor.OpenAsync($"data/{Code}");
            var page = visitor.Page;
            string Cell(string date, string series) => $"#recent-days tr[data-date='{date}'] td[data-series='{series}']";

            // A day with numbers on both sides: the total, and its change as in the files.
            await Expect(page.Locator(Cell("2020-11-11", "cases-total"))).ToHaveTextAsync("87,733");
            await Expect(page.Locator(Cell("2020-11-11", "cases"))).ToHaveTextAsync("2,182");
            await Expect(page.Locator(Cell("2020-11-13", "deaths-total"))).ToHaveTextAsync("756");
            await Expect(page.Locator(Cell("2020-11-13", "deaths"))).ToHaveTextAsync("25");
            await Expect(page.Locator(Cell("2020-11-14", "tests-total"))).ToHaveTextAsync("1,117,259");
            await Expect(page.Locator(Cell("2020-11-14", "tests"))).ToHaveTextAsync("14,882");

            // The files say 0 for the 13th's new cases (nothing minus nothing) and minus the 11th's total
            // for the 12th; the page says what happened: no number.
            foreach (var date in new[] { "2020-11-12", "2020-11-13" })
            {
                await Expect(page.Locator(Cell(date, "cases-total"))).ToHaveTextAsync("not reported");
                await Expect(page.Locator(Cell(date, "cases"))).ToHaveTextAsync("not reported");
            }

            await Expect(page.Locator(Cell("2020-11-14", "deaths-total"))).ToHaveTextAsync("not reported");
            await Expect(page.Locator(Cell("2020-11-14", "deaths"))).ToHaveTextAsync("not reported");
            await Expect(page.Locator(Cell("2020-11-14", "hospitalized"))).ToHaveTextAsync("not reported");

            // Reported again on the 14th: its total, but no change from a day that had none.
            await Expect(page.Locator(Cell("2020-11-14", "cases-total"))).ToHaveTextAsync("94,922");
            await Expect(page.Locator(Cell("2020-11-14", "cases"))).ToHaveTextAsync("–");

            // The newest numbers above each chart, with the totals, and the day they are from.
            await Expect(page.Locator("[data-latest='cases']")).ToHaveTextAsync("November 14, 2020: – new · 94,922 in all · 7-day average –");
            await Expect(page.Locator("[data-latest='deaths']")).ToHaveTextAsync(
                "November 14, 2020: not reported. Last given on November 13, 2020: 25 new · 756 in all · 7-day average 11.7");
            await Expect(page.Locator("#recent-days-key")).ToContainTextAsync("“not reported”: the jurisdiction gave no number that day");
            await Accessibility.AssertAccessibleAsync(visitor, "jurisdiction page with days not reported");

            // The files keep CTP's format: the empty cells, and the 0 its arithmetic gives for the 13th's change.
            var csv = await (await visitor.Context.APIRequest.GetAsync($"{Browser.BaseUrl}/api/v1/states/{Code}/daily.csv")).TextAsync();
            var lines = csv.Split('\n');
            var columns = lines[0].Split(',').Select(c => c.Trim('"')).ToList();
            var thirteenth = lines.Single(l => l.StartsWith("\"2020-11-13\"", StringComparison.Ordinal)).Split(',');
            Assert.Equal(("", "0"), (thirteenth[columns.IndexOf("positive")], thirteenth[columns.IndexOf("positiveIncrease")]));
        });
    }

    /// <summary>The history file with the given cells emptied (by date, then column), as a jurisdiction that did not report them.</summary>
    private static string WithoutNumbers(string history, Dictionary<string, string[]> emptied)
    {
        var lines = history.Split('\n');
        var columns = lines[0].Split(',').Select(c => c.Trim('"')).ToList();
        return string.Join('\n', lines.Select((line, i) =>
        {
            var cells = line.Split(',');
            if (i == 0 || !emptied.TryGetValue(cells[0].Trim('"'), out var empty))
            {
                return line;
            }

            foreach (var column in empty)
            {
                cells[columns.IndexOf(column)] = "";
            }

            return string.Join(',', cells);
        }));
    }
}
