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
    // Nebraska's first thirteen days of the CTP sample (the 14th is CoreLoopTests' own data date): no
    // other browser test publishes any of it.
    private const string Code = "NE";

    [Fact]
    public async Task ThePageShowsRunningTotalsAndSaysNotReportedWhereNothingWasReported()
    {
        await RunAsync(async () =>
        {
            // Nebraska gave no case count on the 11th and 12th, and no deaths or hospital count on the 13th.
            await TestApp.ImportCtpAsync(Browser.ConnectionString, WithoutNumbers(CtpSample.HistoryOf(Code, before: new DateOnly(2020, 11, 14)), new()
            {
                ["2020-11-11"] = ["positive"],
                ["2020-11-12"] = ["positive"],
                ["2020-11-13"] = ["death", "hospitalizedCurrently"],
            }), "ne.csv");

            var visitor = await PersonAsync("Visitor");
            await visitor.OpenAsync($"data/{Code}");
            var page = visitor.Page;
            string Cell(string date, string series) => $"#recent-days tr[data-date='{date}'] td[data-series='{series}']";

            // A day with numbers on both sides: the total, and its change as in the files.
            await Expect(page.Locator(Cell("2020-11-10", "cases-total"))).ToHaveTextAsync("85,551");
            await Expect(page.Locator(Cell("2020-11-10", "cases"))).ToHaveTextAsync("1,582");
            await Expect(page.Locator(Cell("2020-11-12", "deaths-total"))).ToHaveTextAsync("731");
            await Expect(page.Locator(Cell("2020-11-12", "deaths"))).ToHaveTextAsync("1");
            await Expect(page.Locator(Cell("2020-11-13", "tests-total"))).ToHaveTextAsync("1,102,377");
            await Expect(page.Locator(Cell("2020-11-13", "tests"))).ToHaveTextAsync("16,585");

            // The files say 0 for the 12th's new cases (nothing minus nothing) and minus the 10th's total
            // for the 11th; the page says what happened: no number.
            foreach (var date in new[] { "2020-11-11", "2020-11-12" })
            {
                await Expect(page.Locator(Cell(date, "cases-total"))).ToHaveTextAsync("not reported");
                await Expect(page.Locator(Cell(date, "cases"))).ToHaveTextAsync("not reported");
            }

            await Expect(page.Locator(Cell("2020-11-13", "deaths-total"))).ToHaveTextAsync("not reported");
            await Expect(page.Locator(Cell("2020-11-13", "deaths"))).ToHaveTextAsync("not reported");
            await Expect(page.Locator(Cell("2020-11-13", "hospitalized"))).ToHaveTextAsync("not reported");

            // Reported again on the 13th: its total, but no change from a day that had none.
            await Expect(page.Locator(Cell("2020-11-13", "cases-total"))).ToHaveTextAsync("92,553");
            await Expect(page.Locator(Cell("2020-11-13", "cases"))).ToHaveTextAsync("–");

            // The newest numbers above each chart, with the totals, and the day they are from.
            await Expect(page.Locator("[data-latest='cases']")).ToHaveTextAsync("November 13, 2020: – new · 92,553 in all · 7-day average –");
            await Expect(page.Locator("[data-latest='deaths']")).ToHaveTextAsync(
                "November 13, 2020: not reported. Last given on November 12, 2020: 1 new · 731 in all · 7-day average 8.9");
            await Expect(page.Locator("#recent-days-key")).ToContainTextAsync("“not reported”: the jurisdiction gave no number that day");
            await Accessibility.AssertAccessibleAsync(visitor, "jurisdiction page with days not reported");

            // The files keep CTP's format: the empty cells, and the 0 its arithmetic gives for the 12th's change.
            var csv = await (await visitor.Context.APIRequest.GetAsync($"{Browser.BaseUrl}/api/v1/states/{Code}/daily.csv")).TextAsync();
            var lines = csv.Split('\n');
            var columns = lines[0].Split(',').Select(c => c.Trim('"')).ToList();
            var twelfth = lines.Single(l => l.StartsWith("\"2020-11-12\"", StringComparison.Ordinal)).Split(',');
            Assert.Equal(("", "0"), (twelfth[columns.IndexOf("positive")], twelfth[columns.IndexOf("positiveIncrease")]));
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
