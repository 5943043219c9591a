using System.Text;
using CovidEntry.App.Data;
using CovidEntry.Domain.Exports;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Exports;

public static class ExportEndpoints
{
    public static void MapExports(this WebApplication app)
    {
        var v1 = app.MapGroup("/api/v1").AllowAnonymous();
        v1.MapGet("/states/daily.csv", StatesDailyCsvAsync)
            .WithName("StatesDailyCsv")
            .WithSummary("Latest published values, one row per jurisdiction and date, in the COVID Tracking Project's v1 CSV format.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv");
    }

    /// <summary>Streams the latest table in v1 CSV: newest date first, then state A→Z.</summary>
    private static async Task StatesDailyCsvAsync(HttpContext http, IDbContextFactory<CovidEntryDbContext> dbFactory, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var metricColumns = await db.Metrics.AsNoTracking().Where(m => m.IsActive)
            .ToDictionaryAsync(m => m.Key, m => m.V1Column, cancellationToken);
        var columns = V1DailyCsv.Columns(metricColumns.Values);

        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = "attachment; filename=\"daily.csv\"";
        await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(false), bufferSize: 64 * 1024);
        var cells = db.LatestValues.AsNoTracking()
            .OrderByDescending(l => l.DataDate).ThenBy(l => l.JurisdictionCode)
            .Select(l => new Cell(l.DataDate, l.JurisdictionCode, l.MetricKey, l.Value))
            .AsAsyncEnumerable();
        await V1DailyCsv.WriteAsync(writer, columns, GroupRows(cells, metricColumns, cancellationToken), cancellationToken);
        await writer.FlushAsync(cancellationToken);
    }

    private sealed record Cell(DateOnly DataDate, string JurisdictionCode, string MetricKey, long? Value);

    private static async IAsyncEnumerable<V1DailyRow> GroupRows(
        IAsyncEnumerable<Cell> cells,
        IReadOnlyDictionary<string, string> metricColumns,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        (DateOnly Date, string State)? current = null;
        var values = new Dictionary<string, long?>();
        await foreach (var cell in cells.WithCancellation(cancellationToken))
        {
            (DateOnly Date, string State) key = (cell.DataDate, cell.JurisdictionCode);
            if (current is { } open && open != key)
            {
                yield return new V1DailyRow(open.Date, open.State, values);
                values = [];
            }

            current = key;
            if (metricColumns.TryGetValue(cell.MetricKey, out var column))
            {
                values[column] = cell.Value;
            }
        }

        if (current is { } last)
        {
            yield return new V1DailyRow(last.Date, last.State, values);
        }
    }
}
