using System.Globalization;
using System.Text;

namespace CovidEntry.Domain.Exports;

/// <summary>One date of the national file: sums over the jurisdictions reporting that date.</summary>
public sealed record UsDailyRow(DateOnly Date, IReadOnlyDictionary<string, long?> Values);

/// <summary>
/// The US daily file, shaped like CTP's <c>national-history.csv</c>: every column summed over the
/// jurisdictions that have a row for the date (a row with every metric empty included), their
/// count in <c>states</c>, and the increases computed from the national totals (not summed from
/// the states' increases). A column no jurisdiction has a value in stays empty, except
/// <c>totalTestResults</c>: CTP summed it with an empty value counted as 0, so it is a number
/// on every date.
/// </summary>
public static class UsDaily
{
    public const string States = "states";

    /// <summary>CTP's national-history.csv columns after <c>date</c>, in its order.</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        "death", "deathIncrease", "inIcuCumulative", "inIcuCurrently", "hospitalizedIncrease", "hospitalizedCurrently",
        "hospitalizedCumulative", "negative", "negativeIncrease", "onVentilatorCumulative", "onVentilatorCurrently",
        "positive", "positiveIncrease", States, "totalTestResults", "totalTestResultsIncrease",
    ];

    private static readonly IReadOnlyList<(string Increase, string Of)> Increases =
        CtpDerivedFields.Increases.Where(i => Columns.Contains(i.Increase)).ToList();

    private static readonly IReadOnlyList<string> Summed =
        Columns.Where(c => c != States && Increases.All(i => i.Increase != c)).ToList();

    /// <summary>Sums derived state rows (newest date first) into national rows, newest first.</summary>
    public static async IAsyncEnumerable<UsDailyRow> FromStates(
        IAsyncEnumerable<V1DailyRow> statesNewestFirst,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Dictionary<string, long?>? waiting = null;
        var waitingDate = default(DateOnly);
        Dictionary<string, long?>? current = null;
        var currentDate = default(DateOnly);

        await foreach (var row in statesNewestFirst.WithCancellation(cancellationToken))
        {
            if (current is not null && row.Date != currentDate)
            {
                // The current date is complete: it is the previous day of the one that waits.
                if (waiting is not null)
                {
                    yield return Finish(waitingDate, waiting, current);
                }

                (waiting, waitingDate) = (current, currentDate);
                current = null;
            }

            if (current is null)
            {
                current = Summed.ToDictionary(c => c, _ => (long?)null);
                current[States] = 0;
                current[CtpDerivedFields.TotalTestResults] = 0;
                currentDate = row.Date;
            }

            Add(current, row.Values);
        }

        if (current is not null)
        {
            if (waiting is not null)
            {
                yield return Finish(waitingDate, waiting, current);
            }

            yield return Finish(currentDate, current, null);
        }
    }

    public static string Header() =>
        string.Join(',', new[] { "date" }.Concat(Columns).Select(CsvCell.Quoted));

    public static string Line(UsDailyRow row)
    {
        var line = new StringBuilder();
        line.Append('"').Append(row.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append('"');
        foreach (var column in Columns)
        {
            line.Append(',');
            if (row.Values.GetValueOrDefault(column) is { } value)
            {
                line.Append(CsvCell.Number(value));
            }
        }

        return line.ToString();
    }

    private static void Add(Dictionary<string, long?> totals, IReadOnlyDictionary<string, long?> state)
    {
        totals[States] = totals[States]!.Value + 1;
        foreach (var column in Summed)
        {
            if (state.GetValueOrDefault(column) is { } value)
            {
                totals[column] = (totals[column] ?? 0) + value;
            }
        }
    }

    private static UsDailyRow Finish(DateOnly date, Dictionary<string, long?> totals, Dictionary<string, long?>? previousDay)
    {
        var values = new Dictionary<string, long?>(totals);
        foreach (var (increase, of) in Increases)
        {
            // Like a jurisdiction's first day: no earlier national total, no increase.
            values[increase] = previousDay is null ? 0 : (totals[of] ?? 0) - (previousDay[of] ?? 0);
        }

        return new UsDailyRow(date, values);
    }
}
