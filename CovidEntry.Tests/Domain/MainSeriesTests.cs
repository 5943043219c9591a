using CovidEntry.Domain.Exports;

namespace CovidEntry.Tests.Domain;

public class MainSeriesTests
{
    private static readonly DateOnly Day = new(2020, 11, 14);

    /// <summary>Ten days, newest first, with the v1 file's increase columns as the files derive them.</summary>
    private static List<V1DailyRow> TenDays() =>
        Enumerable.Range(0, 10).Select(back => new V1DailyRow(Day.AddDays(-back), "NY", new Dictionary<string, long?>
        {
            ["positiveIncrease"] = back == 9 ? 0 : 100 + back,
            ["totalTestResultsIncrease"] = back == 2 ? null : 5000,
            ["hospitalizedCurrently"] = 40 + back,
            ["deathIncrease"] = back == 9 ? 0 : 3,
        })).ToList();

    [Fact]
    public void TheSeriesAreNewCasesTestsHospitalizedAndDeathsOldestDayFirst()
    {
        var series = MainSeries.From(TenDays());

        Assert.Equal(["cases", "tests", "hospitalized", "deaths"], series.Select(s => s.Key));
        var cases = series[0];
        Assert.Equal(Day.AddDays(-9), cases.Points[0].Date);
        Assert.Equal(Day, cases.Points[^1].Date);
        Assert.Equal(100, cases.Points[^1].Daily);
        Assert.Equal(108, cases.Points[1].Daily);
    }

    [Fact]
    public void TheOldestDayHasNoChangeButItsCurrentValueStays()
    {
        var series = MainSeries.From(TenDays());

        // The v1 file says 0 on a jurisdiction's first day; that is not a change anyone measured.
        Assert.Null(series[0].Points[0].Daily);
        Assert.Null(series[3].Points[0].Daily);
        Assert.Equal(49, series[2].Points[0].Daily);
    }

    [Fact]
    public void TheSevenDayAverageNeedsSevenKnownDays()
    {
        var series = MainSeries.From(TenDays());

        var cases = series[0].Points;
        Assert.Null(cases[6].SevenDayAverage); // the oldest day's change is unknown and in its window
        Assert.Equal(Math.Round((100 + 101 + 102 + 103 + 104 + 105 + 106) / 7.0, 2), cases[^1].SevenDayAverage);
        Assert.Equal(Math.Round((102 + 103 + 104 + 105 + 106 + 107 + 108) / 7.0, 2), cases[7].SevenDayAverage);

        // Tests went unreported two days ago: no average for the week that holds that day.
        var tests = series[1].Points;
        Assert.Null(tests[^1].SevenDayAverage);
        Assert.Null(tests[^3].Daily);
        Assert.Equal(43, series[2].Points[^1].SevenDayAverage);
    }

    [Fact]
    public void TheLatestPointIsTheNewestDayWithANumber()
    {
        var rows = TenDays();
        rows[0] = rows[0] with { Values = new Dictionary<string, long?> { ["positiveIncrease"] = null } };

        var series = MainSeries.From(rows);

        Assert.Equal(Day.AddDays(-1), series[0].Latest!.Date);
        Assert.Null(MainSeries.From([rows[^1]])[0].Latest);
    }
}
