using System.Text;
using System.Text.Json;
using CovidEntry.Domain.Exports;

namespace CovidEntry.App.Features.Exports;

/// <summary>
/// Writes each public file from its rows. The materialized files (made once per change) and the
/// as-of files (made on request) are written by these same methods, so both are the same bytes.
/// </summary>
public static class LiveFileWriters
{
    public const string CsvType = "text/csv; charset=utf-8";
    public const string JsonType = "application/json; charset=utf-8";

    public static string ContentType(string format) => format == "csv" ? CsvType : JsonType;

    public static Task StatesDailyAsync(Stream stream, string format, IReadOnlyList<string> columns, IAsyncEnumerable<V1DailyRow> derived, CancellationToken cancellationToken) =>
        format == "csv"
            ? CsvAsync(stream, V1DailyCsv.Header(columns), derived, row => V1DailyCsv.Line(columns, row), cancellationToken)
            : V1Json.WriteStatesAsync(stream, columns, derived, cancellationToken);

    /// <summary>Each jurisdiction's newest day, state A→Z, from rows newest first.</summary>
    public static async Task CurrentAsync(Stream stream, string format, IReadOnlyList<string> columns, IAsyncEnumerable<V1DailyRow> derived, CancellationToken cancellationToken)
    {
        var current = new SortedDictionary<string, V1DailyRow>(StringComparer.Ordinal);
        await foreach (var row in derived.WithCancellation(cancellationToken))
        {
            current.TryAdd(row.State, row);
        }

        await StatesDailyAsync(stream, format, columns, current.Values.ToAsyncEnumerable(), cancellationToken);
    }

    public static Task UsDailyAsync(Stream stream, string format, IAsyncEnumerable<UsDailyRow> us, CancellationToken cancellationToken) =>
        format == "csv"
            ? CsvAsync(stream, UsDaily.Header(), us, UsDaily.Line, cancellationToken)
            : V1Json.WriteUsAsync(stream, us, cancellationToken);

    public static byte[] StatesInfo(string format, IReadOnlyList<IReadOnlyDictionary<string, string?>> info) =>
        format == "csv"
            ? Encoding.UTF8.GetBytes(StatesInfoFile.Csv(info))
            : JsonSerializer.SerializeToUtf8Bytes(info.Select(StatesInfoFile.Json), JsonSerializerOptions.Web);

    /// <summary>A CSV in CTP's way: the header, then each line after a newline, none after the last.</summary>
    public static async Task CsvAsync<T>(Stream stream, string header, IAsyncEnumerable<T> rows, Func<T, string> line, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false), bufferSize: 64 * 1024, leaveOpen: true);
        await writer.WriteAsync(header);
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            await writer.WriteAsync('\n');
            await writer.WriteAsync(line(row));
        }

        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>Writes into memory and gives the bytes.</summary>
    public static async Task<byte[]> ToBytesAsync(Func<Stream, Task> write)
    {
        using var memory = new MemoryStream();
        await write(memory);
        return memory.ToArray();
    }
}
