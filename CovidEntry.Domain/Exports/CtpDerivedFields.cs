using CovidEntry.Domain.Jurisdictions;

namespace CovidEntry.Domain.Exports;

/// <summary>One jurisdiction's raw values on one date, by v1 column name.</summary>
public sealed record RawDay(DateOnly Date, IReadOnlyDictionary<string, long?> Values);

/// <summary>
/// The columns of the COVID Tracking Project's history files that are computed, never entered:
/// <c>totalTestResults</c> by the jurisdiction's rule, the <c>…Increase</c> columns, and the
/// retired <c>hospitalized</c> and <c>positiveScore</c>. The rules are those of the original
/// pipeline, quirks included, so that the files match CTP's byte for byte.
/// </summary>
public static class CtpDerivedFields
{
    public const string TotalTestResults = "totalTestResults";
    public const string Hospitalized = "hospitalized";
    public const string PositiveScore = "positiveScore";

    /// <summary>Each increase column and the column it is the day-over-day change of.</summary>
    public static IReadOnlyList<(string Increase, string Of)> Increases { get; } =
    [
        ("deathIncrease", "death"),
        ("hospitalizedIncrease", "hospitalizedCumulative"),
        ("negativeIncrease", "negative"),
        ("positiveIncrease", "positive"),
        ("totalTestEncountersViralIncrease", "totalTestEncountersViral"),
        ("totalTestResultsIncrease", TotalTestResults),
        ("totalTestsPeopleViralIncrease", "totalTestsPeopleViral"),
        ("totalTestsViralIncrease", "totalTestsViral"),
    ];

    /// <summary>
    /// On a jurisdiction's first day these increases are the day's own value; every other
    /// increase is 0 that day (a quirk of the original pipeline, kept for compatibility).
    /// </summary>
    private static readonly HashSet<string> FirstDayIsOwnValue = ["totalTestsViral", "totalTestsPeopleViral", "totalTestEncountersViral"];

    /// <summary>Every derived column name.</summary>
    public static IReadOnlyList<string> Columns { get; } =
        [TotalTestResults, Hospitalized, PositiveScore, .. Increases.Select(i => i.Increase)];

    /// <summary>
    /// The jurisdiction's total test results: the metric its rule names (empty when that is), or
    /// for <see cref="Jurisdiction.PositivePlusNegative"/> positive + negative with an empty one
    /// counting as 0, so a number even when both are empty (CTP's pipeline wrote 0 there).
    /// </summary>
    public static long? TotalTestResultsOf(string rule, IReadOnlyDictionary<string, long?> values) =>
        rule == Jurisdiction.PositivePlusNegative
            ? (values.GetValueOrDefault("positive") ?? 0) + (values.GetValueOrDefault("negative") ?? 0)
            : values.GetValueOrDefault(rule);

    /// <summary>
    /// Adds the derived columns to one jurisdiction's days. <paramref name="days"/> must be that
    /// jurisdiction's whole history up to the last day wanted, in any order; the result is oldest
    /// first. The previous day of a date is the jurisdiction's nearest earlier date.
    /// </summary>
    public static IReadOnlyList<RawDay> Derive(string totalTestsRule, IEnumerable<RawDay> days)
    {
        var result = new List<RawDay>();
        IReadOnlyDictionary<string, long?>? previous = null;
        foreach (var day in days.OrderBy(d => d.Date))
        {
            var values = DeriveDay(totalTestsRule, day.Values, previous);
            result.Add(day with { Values = values });
            previous = values;
        }

        return result;
    }

    /// <summary>
    /// One day's raw values with the derived columns added. <paramref name="previousDay"/> holds
    /// the jurisdiction's previous day (raw, or as returned by this method), or is null on its first day.
    /// </summary>
    public static Dictionary<string, long?> DeriveDay(string totalTestsRule, IReadOnlyDictionary<string, long?> raw, IReadOnlyDictionary<string, long?>? previousDay)
    {
        var values = new Dictionary<string, long?>(raw)
        {
            [TotalTestResults] = TotalTestResultsOf(totalTestsRule, raw),
            [Hospitalized] = raw.GetValueOrDefault("hospitalizedCumulative"),
            [PositiveScore] = 0,
        };

        foreach (var (increase, of) in Increases)
        {
            var today = ValueOf(totalTestsRule, raw, of) ?? 0;
            values[increase] = previousDay is null
                ? FirstDayIsOwnValue.Contains(of) ? today : 0
                : today - (ValueOf(totalTestsRule, previousDay, of) ?? 0);
        }

        return values;
    }

    private static long? ValueOf(string totalTestsRule, IReadOnlyDictionary<string, long?> values, string column) =>
        column == TotalTestResults ? TotalTestResultsOf(totalTestsRule, values) : values.GetValueOrDefault(column);
}
