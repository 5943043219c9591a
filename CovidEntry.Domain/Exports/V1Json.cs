using System.Globalization;
using System.Text.Json;

namespace CovidEntry.Domain.Exports;

/// <summary>
/// The v1 JSON files: an array of objects with CTP's field names, <c>date</c> as the number
/// 20201114 as in CTP's API, <c>null</c> for "not reported". Written as the rows arrive, flushed
/// every few hundred rows, so memory stays flat whatever the history's size.
/// </summary>
public static class V1Json
{
    private const int FlushEvery = 500;

    public static Task WriteStatesAsync(Stream stream, IReadOnlyList<string> columns, IAsyncEnumerable<V1DailyRow> rows, CancellationToken cancellationToken = default) =>
        WriteAsync(stream, rows, (json, row) =>
        {
            json.WriteNumber("date", DateNumber(row.Date));
            json.WriteString("state", row.State);
            WriteValues(json, columns.Skip(2), row.Values);
        }, cancellationToken);

    public static Task WriteUsAsync(Stream stream, IAsyncEnumerable<UsDailyRow> rows, CancellationToken cancellationToken = default) =>
        WriteAsync(stream, rows, (json, row) =>
        {
            json.WriteNumber("date", DateNumber(row.Date));
            WriteValues(json, UsDaily.Columns, row.Values);
        }, cancellationToken);

    public static int DateNumber(DateOnly date) => int.Parse(date.ToString("yyyyMMdd", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static async Task WriteAsync<T>(Stream stream, IAsyncEnumerable<T> rows, Action<Utf8JsonWriter, T> writeRow, CancellationToken cancellationToken)
    {
        await using var json = new Utf8JsonWriter(stream);
        json.WriteStartArray();
        var count = 0;
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            json.WriteStartObject();
            writeRow(json, row);
            json.WriteEndObject();
            if (++count % FlushEvery == 0)
            {
                await json.FlushAsync(cancellationToken);
            }
        }

        json.WriteEndArray();
        await json.FlushAsync(cancellationToken);
    }

    private static void WriteValues(Utf8JsonWriter json, IEnumerable<string> columns, IReadOnlyDictionary<string, long?> values)
    {
        foreach (var column in columns)
        {
            if (values.GetValueOrDefault(column) is { } value)
            {
                json.WriteNumber(column, value);
            }
            else
            {
                json.WriteNull(column);
            }
        }
    }
}
