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
    [InlineData("posNeg", 100L, 900L, 5000L, 1000L)]
    [InlineData("posNeg", 100L, null, 5000L, 100L)]
    [InlineData("posNeg", null, 900L, null, 900L)]
    [InlineData("posNeg", null, null, 5000L, 0L)]
    [InlineData("posNeg", null, null, null, 0L)]
    [InlineData("totalTestsViral", 100L, 900L, 5000L, 5000L)]
    [InlineData("totalTestsViral", 100L, 900L, null, null)]
    [InlineData("totalTestsViral", null, null, null, null)]
    public void TotalTestResultsFollowTheJurisdictionsRule(string rule, long? positive, long? negative, long? totalTestsViral, long? expected)
    {
        var values = new Dictionary<string, long?> { ["positive"] = positive, ["negative"] = negative, ["totalTestsViral"] = totalTestsViral };

        Assert.Equal(expected, CtpDerivedFields.TotalTestResultsOf(rule, values));
    }

    [Theory]
    [InlineData("posNeg", 0L)]
    [InlineData("totalTestsViral", null)]
    public void ADayWithNoMetricAtAllHasTotalTestResultsOnlyUnderPositivePlusNegative(string rule, long? expected)
    {
        var day = Assert.Single(CtpDerivedFields.Derive(rule, [new RawDay(Day, new Dictionary<string, long?>())])).Values;

        Assert.Equal(expected, day["totalTestResults"]);
        Assert.Equal(0, day["positiveScore"]);
        Assert.Null(day["hospitalized"]);
        Assert.All(CtpDerivedFields.Increases, i => Assert.Equal(0, day[i.Increase]));
    }

    [Fact]
    public void ADayWithEveryMetricEmptyIsThePreviousDayOfTheNextSoItsValuesCountAsZero()
    {
        var values = new Dictionary<string, long?> { ["positive"] = 5, ["totalTestsViral"] = 20 };
        RawDay On(int day, IReadOnlyDictionary<string, long?> raw) => new(new DateOnly(2020, 3, day), raw);

        var days = CtpDerivedFields.Derive("totalTestsViral",
            [On(2, values), On(3, new Dictionary<string, long?>()), On(4, new Dictionary<string, long?> { ["positive"] = 7, ["totalTestsViral"] = 30 })]);

        // The empty day's own increases fall to 0; the next day's are its values minus 0, not 0 as on a first day.
        Assert.Equal([0L, -5L, 7L], days.Select(d => d.Values["positiveIncrease"]!.Value));
        Assert.Equal([20L, -20L, 30L], days.Select(d => d.Values["totalTestsViralIncrease"]!.Value));
        Assert.Equal([0L, -20L, 30L], days.Select(d => d.Values["totalTestResultsIncrease"]!.Value));
        Assert.Equal(new long?[] { 20, null, 30 }, days.Select(d => d.Values["totalTestResults"]));
    }

    [Fact]
    public void EveryDerivedCellOfTheFileOfCtpsRulesIsReproducedFromItsRawCells()
    {
        var rules = CtpSample.TotalTestRules();
        var raw = CtpMetricCatalog.All.Select(m => m.V1Column).ToHashSet();
        var file = CtpRulesFile.States.Split('\n');
        var header = file[0].Split(',').Select(c => c.Trim('"')).ToList();
        var rows = file.Skip(1).Select(line => header.Zip(line.Split(',').Select(c => c.Trim('"'))).ToDictionary(p => p.First, p => p.Second)).ToList();
        var checkedCells = 0;

        foreach (var state in rows.GroupBy(r => r["state"]))
        {
            var days = state.Select(r => new RawDay(DateOnly.Parse(r["date"]), r.Where(c => raw.Contains(c.Key)).ToDictionary(c => c.Key, c => CtpSample.Number(c.Value)))).ToList();
            var derived = CtpDerivedFields.Derive(rules[state.Key], days).ToDictionary(d => d.Date);
            foreach (var row in state)
            {
                foreach (var column in CtpDerivedFields.Columns)
                {
                    var date = DateOnly.Parse(row["date"]);
                    Assert.True(CtpSample.Number(row[column]) == derived[date].Values[column], $"{state.Key} {date} {column}: file {row[column]}, derived {derived[date].Values[column]}");
                    checkedCells++;
                }
            }
        }

        Assert.Equal(12 * 11, checkedCells);
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
