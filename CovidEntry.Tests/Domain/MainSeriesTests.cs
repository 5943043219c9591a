using CovidEntry.Domain.Exports;
using CovidEntry.Domain.History;
using CovidEntry.Domain.Jurisdictions;

namespace CovidEntry.Tests.Domain;

public class MainSeriesTests
{
    private static readonly DateOnly Day = new(2020, 11, 14);

    /// <summary>
    /// Ten days, newest first, as the v1 rows hold them: running totals of cases and deaths growing
    /// each day, total test results by a metric rule, people in hospital. The v1 increase columns
    /// carry nonsense, to show the page does not read them.
    /// </summary>
    private static List<V1DailyRow> TenDays() =>
        Enumerable.Range(0, 10).Select(back => Row(back, new Dictionary<string, long?>
        {
            ["positive"] = 10_000 - (back * 100) - (back * (back - 1) / 2),
            ["totalTestsViral"] = 500_000 - (back * 5000),
            [CtpDerivedFields.TotalTestResults] = 500_000 - (back * 5000),
            ["hospitalizedCurrently"] = 40 + back,
            ["death"] = 300 - (back * 3),
            ["positiveIncrease"] = -1,
            ["deathIncrease"] = -1,
        })).ToList();

    private static V1DailyRow Row(int back, Dictionary<string, long?> values, Dictionary<string, MissingReason>? missing = null) =>
        new(Day.AddDays(-back), "NY", values, missing);

    [Fact]
    public void TheSeriesAreCasesTestsHospitalizedAndDeathsOldestDayFirstWithTheirRunningTotals()
    {
        var series = MainSeries.From(TenDays(), "totalTestsViral");

        Assert.Equal(["cases", "tests", "hospitalized", "deaths"], series.Select(s => s.Key));
        Assert.Equal([true, true, false, true], series.Select(s => s.HasTotal));
        var cases = series[0];
        Assert.Equal(Day.AddDays(-9), cases.Points[0].Date);
        Assert.Equal(Day, cases.Points[^1].Date);
        Assert.Equal((10_000L, 100L), (cases.Points[^1].Total!.Value, cases.Points[^1].Daily!.Value));
        Assert.Equal((9_172L, 108L), (cases.Points[1].Total!.Value, cases.Points[1].Daily!.Value));
        Assert.Equal(5000, series[1].Points[^1].Daily);
        Assert.Equal((null, 40L), (series[2].Points[^1].Total, series[2].Points[^1].Daily!.Value));
        Assert.Equal((300L, 3L), (series[3].Points[^1].Total!.Value, series[3].Points[^1].Daily!.Value));
        Assert.All(series.SelectMany(s => s.Points), p => Assert.True(p.IsReported));
    }

    [Fact]
    public void TheOldestDayHasNoChangeButItsTotalAndCurrentValueStay()
    {
        var series = MainSeries.From(TenDays(), "totalTestsViral");

        // The v1 file says 0 on a jurisdiction's first day; that is not a change anyone measured.
        Assert.Equal((9_064L, (long?)null), (series[0].Points[0].Total!.Value, series[0].Points[0].Daily));
        Assert.Null(series[3].Points[0].Daily);
        Assert.Equal(49, series[2].Points[0].Daily);
    }

    [Fact]
    public void ADayWithoutANumberIsNotReportedNotZeroAndTheDayAfterHasNoChange()
    {
        var rows = TenDays();
        rows[2] = Row(2, new Dictionary<string, long?>(rows[2].Values) { ["positive"] = null, ["hospitalizedCurrently"] = null });
        rows[1] = Row(1, new Dictionary<string, long?>(rows[1].Values) { ["death"] = null }, new() { ["death"] = MissingReason.Suppressed });

        var series = MainSeries.From(rows, "totalTestsViral");

        var cases = series[0].Points;
        Assert.Equal((null, null, MissingReason.NotReported), (cases[^3].Total, cases[^3].Daily, cases[^3].Missing));
        Assert.False(cases[^3].IsReported);
        Assert.Equal((9_900L, (long?)null), (cases[^2].Total!.Value, cases[^2].Daily)); // reported, but nothing to compare with
        Assert.Equal(MissingReason.NotReported, series[2].Points[^3].Missing);
        Assert.Equal((null, MissingReason.Suppressed), (series[3].Points[^2].Total, series[3].Points[^2].Missing));
        Assert.Null(series[3].Points[^1].Daily);
        Assert.Equal(Day, series[0].Latest!.Date);
    }

    [Fact]
    public void APositivePlusNegativeJurisdictionThatGaveNeitherHasNoTestResultsNotTheFilesZero()
    {
        var rows = TenDays().Select(r => r with { Values = new Dictionary<string, long?>(r.Values) { ["negative"] = 1000 } }).ToList();
        rows[0] = Row(0, new Dictionary<string, long?> { [CtpDerivedFields.TotalTestResults] = 0, ["hospitalizedCurrently"] = 40 });

        var tests = MainSeries.From(rows, Jurisdiction.PositivePlusNegative)[1].Points;

        Assert.Equal((null, null, MissingReason.NotReported), (tests[^1].Total, tests[^1].Daily, tests[^1].Missing));
        Assert.True(tests[^2].IsReported);
    }

    [Fact]
    public void TheSevenDayAverageNeedsSevenKnownDays()
    {
        var rows = TenDays();
        rows[2] = Row(2, new Dictionary<string, long?>(rows[2].Values) { ["totalTestsViral"] = null, [CtpDerivedFields.TotalTestResults] = null });

        var series = MainSeries.From(rows, "totalTestsViral");

        var cases = series[0].Points;
        Assert.Null(cases[6].SevenDayAverage); // the oldest day's change is unknown and in its window
        Assert.Equal(Math.Round((100 + 101 + 102 + 103 + 104 + 105 + 106) / 7.0, 2), cases[^1].SevenDayAverage);
        Assert.Equal(Math.Round((102 + 103 + 104 + 105 + 106 + 107 + 108) / 7.0, 2), cases[7].SevenDayAverage);

        // Tests went unreported two days ago: no change that day or the next, and no average for the weeks that hold them.
        var tests = series[1].Points;
        Assert.Equal([null, null], tests.Skip(tests.Count - 3).Take(2).Select(p => p.Daily));
        Assert.Null(tests[^1].SevenDayAverage);
        Assert.Equal(43, series[2].Points[^1].SevenDayAverage);
    }

    [Fact]
    public void TheLatestPointIsTheNewestDayWithANumber()
    {
        var rows = TenDays();
        rows[0] = Row(0, new Dictionary<string, long?> { ["positive"] = null });

        var series = MainSeries.From(rows, "totalTestsViral");

        Assert.Equal(Day.AddDays(-1), series[0].Latest!.Date);
        Assert.False(series[0].Points[^1].IsReported);
        Assert.Null(MainSeries.From([Row(0, new Dictionary<string, long?>())], "totalTestsViral")[0].Latest);
    }
}
