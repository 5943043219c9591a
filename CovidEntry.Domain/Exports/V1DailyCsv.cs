using System.Globalization;
using System.Text;
using CovidEntry.Domain.History;

namespace CovidEntry.Domain.Exports;

/// <summary>
/// One jurisdiction-day of the daily files: values by v1 column name, and why empty values are
/// empty where that is not simply "not reported" (the v1 files show only an empty cell).
/// </summary>
/// <remarks><paramref name="Screenshots"/>: the screenshot each value was read from, by column (v2 links them; v1 does not show them).</remarks>
public sealed record V1DailyRow(DateOnly Date, string State, IReadOnlyDictionary<string, long?> Values, IReadOnlyDictionary<string, MissingReason>? Missing = null,
    IReadOnlyDictionary<string, Guid>? Screenshots = null);

/// <summary>
/// Writes the COVID Tracking Project's v1 daily CSV format exactly: quoted header, quoted date and
/// state, bare integers, empty cell for "not reported", no newline after the last line.
/// Rows must arrive newest date first, then state A→Z.
/// </summary>
public static class V1DailyCsv
{
    public static IReadOnlyList<string> Columns(IEnumerable<string> metricColumns) =>
        ["date", "state", .. metricColumns.Order(StringComparer.Ordinal)];

    // Column names come from the metric catalog, which admins edit: they go through CsvCell too.
    public static string Header(IReadOnlyList<string> columns) =>
        string.Join(',', columns.Select(CsvCell.Quoted));

    public static string Line(IReadOnlyList<string> columns, V1DailyRow row)
    {
        var line = new StringBuilder();
        line.Append('"').Append(row.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append("\",").Append(CsvCell.Quoted(row.State));
        foreach (var column in columns.Skip(2))
        {
            line.Append(',');
            if (row.Values.GetValueOrDefault(column) is { } value)
            {
                line.Append(CsvCell.Number(value));
            }
        }

        return line.ToString();
    }

    public static async Task WriteAsync(TextWriter writer, IReadOnlyList<string> columns, IAsyncEnumerable<V1DailyRow> rows, CancellationToken cancellationToken = default)
    {
        await writer.WriteAsync(Header(columns));
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            await writer.WriteAsync('\n');
            await writer.WriteAsync(Line(columns, row));
        }
    }
}
