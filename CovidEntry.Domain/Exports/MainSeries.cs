using CovidEntry.Domain.History;
using CovidEntry.Domain.Jurisdictions;

namespace CovidEntry.Domain.Exports;

/// <summary>
/// One day of a series. <paramref name="Total"/> is the running total the jurisdiction published
/// (for a series of changes; empty for one of current values), <paramref name="Daily"/> the day's
/// number (the change from the day before, or the current value), and <paramref name="Missing"/>
/// why the day has no number, when it has none.
/// </summary>
public sealed record SeriesPoint(DateOnly Date, long? Total, long? Daily, double? SevenDayAverage, MissingReason? Missing = null)
{
    /// <summary>Whether the jurisdiction gave this series' number on the day.</summary>
    public bool IsReported => Missing is null;
}

/// <summary>
/// One of the series a jurisdiction's public page charts, oldest day first. A series of changes
/// also has its running total (<paramref name="TotalTitle"/>); one of current values has none.
/// </summary>
public sealed record Series(string Key, string Title, string Explanation, string? TotalTitle, IReadOnlyList<SeriesPoint> Points)
{
    public bool HasTotal => TotalTitle is not null;

    /// <summary>The newest day the jurisdiction gave this series' number, if any.</summary>
    public SeriesPoint? Latest => Points.LastOrDefault(p => p.IsReported);
}

/// <summary>
/// The series the COVID Tracking Project put first on a state's page: cases, test results, people
/// in hospital now, deaths. The running totals and current values are the v1 files' own columns;
/// a day's change is its total minus the total of the jurisdiction's day before, which is the v1
/// file's <c>…Increase</c> wherever both days have a number. Where they do not, the v1 file keeps
/// CTP's derived numbers (an empty total counts as 0, so a day without a number shows 0 or minus
/// the day before's total); the page says "not reported" or shows no change instead.
/// </summary>
public static class MainSeries
{
    /// <summary>Each series, the v1 column it reads, whether it is a running total (charted by its change), and its words.</summary>
    private static readonly (string Key, string Column, bool IsTotal, string Title, string? TotalTitle, string Explanation)[] Definitions =
    [
        ("cases", "positive", true, "New cases", "Cases in all", "Cases (confirmed and probable): the change from the day before, and the running total."),
        ("tests", CtpDerivedFields.TotalTestResults, true, "New test results", "Test results in all",
            "Total test results, counted in the unit this jurisdiction reports: the change from the day before, and the running total."),
        ("hospitalized", "hospitalizedCurrently", false, "Currently hospitalized", null, "People in hospital with COVID-19 on the day."),
        ("deaths", "death", true, "New deaths", "Deaths in all", "Deaths (confirmed and probable): the change from the day before, and the running total."),
    ];

    /// <summary>
    /// The main series of one jurisdiction from its v1 daily rows (derived columns included),
    /// newest first as the files list them, by its rule for total test results
    /// (<see cref="Jurisdiction.TotalTestResultsField"/>). A change needs the day before to have a number,
    /// so the oldest day, and a day after one without a number, have no change.
    /// </summary>
    public static IReadOnlyList<Series> From(IReadOnlyList<V1DailyRow> newestFirst, string totalTestsRule)
    {
        var oldestFirst = newestFirst.Reverse().ToList();
        return Definitions.Select(d => new Series(d.Key, d.Title, d.Explanation, d.TotalTitle, Points(oldestFirst, d.Column, d.IsTotal, totalTestsRule))).ToList();
    }

    private static List<SeriesPoint> Points(List<V1DailyRow> oldestFirst, string column, bool isTotal, string totalTestsRule)
    {
        var missing = oldestFirst.Select(row => MissingOf(row, column, totalTestsRule)).ToList();
        var values = oldestFirst.Select((row, i) => missing[i] is null ? row.Values.GetValueOrDefault(column) : null).ToList();
        var daily = isTotal
            ? values.Select((value, i) => i > 0 && value is { } today && values[i - 1] is { } before ? today - before : (long?)null).ToList()
            : values;
        return oldestFirst.Select((row, i) => new SeriesPoint(row.Date, isTotal ? values[i] : null, daily[i],
            i + 1 >= V2Daily.AverageDays ? V2Daily.SevenDayAverage(daily.Skip(i + 1 - V2Daily.AverageDays).Take(V2Daily.AverageDays)) : null,
            missing[i])).ToList();
    }

    /// <summary>
    /// Why the day has no number for the column, or null when it has one. A jurisdiction that counts
    /// its tests as positive + negative has a total of 0 in the files when it gave neither: that 0 is
    /// CTP's arithmetic, not a number anyone reported.
    /// </summary>
    private static MissingReason? MissingOf(V1DailyRow row, string column, string totalTestsRule)
    {
        if (column == CtpDerivedFields.TotalTestResults)
        {
            if (totalTestsRule == Jurisdiction.PositivePlusNegative)
            {
                return row.Values.GetValueOrDefault("positive") is null && row.Values.GetValueOrDefault("negative") is null
                    ? MissingReason.NotReported
                    : null;
            }

            column = totalTestsRule;
        }

        return row.Values.GetValueOrDefault(column) is null ? row.Missing?.GetValueOrDefault(column) ?? MissingReason.NotReported : null;
    }
}
