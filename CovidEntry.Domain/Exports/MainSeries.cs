namespace CovidEntry.Domain.Exports;

/// <summary>One day of a series: the day's number and the 7-day average ending on it.</summary>
public sealed record SeriesPoint(DateOnly Date, long? Daily, double? SevenDayAverage);

/// <summary>One of the series a jurisdiction's public page charts, oldest day first.</summary>
public sealed record Series(string Key, string Title, string Explanation, IReadOnlyList<SeriesPoint> Points)
{
    /// <summary>The newest day that has a number, if any.</summary>
    public SeriesPoint? Latest => Points.LastOrDefault(p => p.Daily is not null);
}

/// <summary>
/// The series the COVID Tracking Project put first on a state's page: new cases, new test
/// results, people in hospital now, new deaths. The daily numbers are the v1 files' own
/// columns (the increases and <c>hospitalizedCurrently</c>), so the page and the files agree.
/// </summary>
public static class MainSeries
{
    /// <summary>Each series, the v1 column it charts, and whether that column is a change from the day before.</summary>
    private static readonly (string Key, string Column, bool IsChange, string Title, string Explanation)[] Definitions =
    [
        ("cases", "positiveIncrease", true, "New cases", "Change in cases (confirmed and probable) from the day before."),
        ("tests", "totalTestResultsIncrease", true, "New test results", "Change in total test results from the day before, counted in the unit this jurisdiction reports."),
        ("hospitalized", "hospitalizedCurrently", false, "Currently hospitalized", "People in hospital with COVID-19 on the day."),
        ("deaths", "deathIncrease", true, "New deaths", "Change in deaths (confirmed and probable) from the day before."),
    ];

    /// <summary>
    /// The main series of one jurisdiction from its v1 daily rows (derived columns included),
    /// newest first as the files list them. A change from the day before needs that day, so the
    /// oldest row has no daily change (the v1 file's quirk of 0 there is not charted).
    /// </summary>
    public static IReadOnlyList<Series> From(IReadOnlyList<V1DailyRow> newestFirst)
    {
        var oldestFirst = newestFirst.Reverse().ToList();
        return Definitions.Select(d => new Series(d.Key, d.Title, d.Explanation, Points(oldestFirst, d.Column, d.IsChange))).ToList();
    }

    private static List<SeriesPoint> Points(List<V1DailyRow> oldestFirst, string column, bool isChange)
    {
        var daily = oldestFirst.Select((row, i) => isChange && i == 0 ? null : row.Values.GetValueOrDefault(column)).ToList();
        return oldestFirst.Select((row, i) => new SeriesPoint(row.Date, daily[i],
            i + 1 >= V2Daily.AverageDays ? V2Daily.SevenDayAverage(daily.Skip(i + 1 - V2Daily.AverageDays).Take(V2Daily.AverageDays)) : null)).ToList();
    }
}
