using CovidEntry.Domain.Exports;
using CovidEntry.Domain.Metrics;

namespace CovidEntry.Tests.Domain;

public class CtpDerivedFieldsTests
{
    private static readonly DateOnly Day = new(2020, 11, 14);

    [Fact]
    public void EveryDerivedCellOfTheCtpSampleIsReproducedFromTheRawCells()
    {
        var rules = CtpSample.TotalTestRules();
        var rawColumns = CtpMetricCatalog.All.Select(m => m.V1Column).ToList();
        var rows = CtpSample.HistoryRows();
        var checkedCells = 0;

        foreach (var state in rows.GroupBy(r => r["state"]))
        {
            var days = state.Select(r => new RawDay(DateOnly.Parse(r["date"]), rawColumns.ToDictionary(c => c, c => CtpSample.Number(r[c])))).ToList();
            var derived = CtpDerivedFields.Derive(rules[state.Key], days).ToDictionary(d => d.Date);
            var first = days.Min(d => d.Date);

            foreach (var row in state)
            {
                var date = DateOnly.Parse(row["date"]);
                foreach (var column in CtpDerivedFields.Columns)
                {
                    // Increases need the previous day, which the sample has for all but its first date.
                    if (date == first && column.EndsWith("Increase", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    Assert.True(CtpSample.Number(row[column]) == derived[date].Values[column], $"{state.Key} {date} {column}: file {row[column]}, derived {derived[date].Values[column]}");
                    checkedCells++;
                }
            }
        }

        Assert.Equal(56 * 14 * 3 + 56 * 13 * 8, checkedCells);
    }

    [Fact]
    public void TheDerivedColumnsAreExactlyTheSampleColumnsThatAreNotRawMetrics()
    {
        var raw = CtpMetricCatalog.All.Select(m => m.V1Column).ToHashSet();

        var derived = CtpSample.HistoryHeader().Where(c => c is not ("date" or "state") && !raw.Contains(c));

        Assert.Equal(derived.Order(), CtpDerivedFields.Columns.Order());
    }

    [Theory]
    [InlineData("posNeg", 100L, 900L, 1000L)]
    [InlineData("posNeg", 100L, null, 100L)]
    [InlineData("posNeg", null, null, null)]
    [InlineData("totalTestsViral", 100L, 900L, 5000L)]
    public void TotalTestResultsFollowTheJurisdictionsRule(string rule, long? positive, long? negative, long? expected)
    {
        var values = new Dictionary<string, long?> { ["positive"] = positive, ["negative"] = negative, ["totalTestsViral"] = 5000 };

        Assert.Equal(expected, CtpDerivedFields.TotalTestResultsOf(rule, values));
    }

    [Fact]
    public void OnAJurisdictionsFirstDayOnlyTheViralTestTotalsCountThemselvesAsTheIncrease()
    {
        var first = new RawDay(Day, new Dictionary<string, long?>
        {
            ["positive"] = 10, ["negative"] = 90, ["death"] = 1, ["hospitalizedCumulative"] = 4,
            ["totalTestsViral"] = 120, ["totalTestsPeopleViral"] = 100, ["totalTestEncountersViral"] = 110,
        });

        var values = Assert.Single(CtpDerivedFields.Derive("posNeg", [first])).Values;

        Assert.Equal(
            [0L, 0L, 0L, 0L, 0L, 120L, 100L, 110L],
            new[] { "positiveIncrease", "negativeIncrease", "deathIncrease", "hospitalizedIncrease", "totalTestResultsIncrease", "totalTestsViralIncrease", "totalTestsPeopleViralIncrease", "totalTestEncountersViralIncrease" }
                .Select(c => values[c]!.Value));
        Assert.Equal((100L, 4L, 0L), (values["totalTestResults"]!.Value, values["hospitalized"]!.Value, values["positiveScore"]!.Value));
    }

    [Fact]
    public void AMissingValueCountsAsZeroInAnIncreaseAndTheNearestEarlierDateIsThePreviousDay()
    {
        RawDay On(int daysBack, long? death) => new(Day.AddDays(-daysBack), new Dictionary<string, long?> { ["death"] = death });

        var days = CtpDerivedFields.Derive("posNeg", [On(0, 50), On(3, 40), On(5, null)]);

        Assert.Equal([0L, 40L, 10L], days.Select(d => d.Values["deathIncrease"]!.Value));
        Assert.Null(days[0].Values["death"]);
    }
}
