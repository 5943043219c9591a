using System.Runtime.CompilerServices;
using CovidEntry.App.Data;
using CovidEntry.Domain.Exports;
using CovidEntry.Domain.History;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CovidEntry.App.Features.Exports;

/// <summary>What the public files need from the catalog and the jurisdictions, read once per request.</summary>
public sealed record ExportCatalog(IReadOnlyDictionary<string, string> ColumnByMetricKey, IReadOnlyDictionary<string, string> TotalTestsRuleByState)
{
    /// <summary>The states daily columns: date, state, then every raw and derived column A→Z, as in CTP's file.</summary>
    public IReadOnlyList<string> StatesDailyColumns { get; } =
        V1DailyCsv.Columns(ColumnByMetricKey.Values.Concat(CtpDerivedFields.Columns).Distinct());
}

/// <summary>
/// Published jurisdiction-days as rows, newest date first then state A→Z, read with a streaming
/// reader: the values from the latest table, or, for an as-of moment, from the newest version of
/// each cell published at or before it. A day exists once a value of it or the day itself
/// (<see cref="Domain.History.ReportedDay"/>) was published, so a day reported with nothing filled
/// in is a row with every value empty.
/// </summary>
public sealed class PublishedRows(IDbContextFactory<CovidEntryDbContext> dbFactory)
{
    public async Task<ExportCatalog> CatalogAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await CatalogAsync(db, cancellationToken);
    }

    /// <summary>The catalog read through <paramref name="db"/> (inside its transaction, when it has one).</summary>
    public static async Task<ExportCatalog> CatalogAsync(CovidEntryDbContext db, CancellationToken cancellationToken) =>
        new ExportCatalog(
            await db.Metrics.AsNoTracking().ToDictionaryAsync(m => m.Key, m => m.V1Column, cancellationToken),
            await db.Jurisdictions.AsNoTracking().ToDictionaryAsync(j => j.Code, j => j.TotalTestResultsField, cancellationToken));

    /// <summary>Rows with CTP's derived columns; <paramref name="state"/> limits them to one jurisdiction.</summary>
    public IAsyncEnumerable<V1DailyRow> DerivedAsync(ExportCatalog catalog, DateTimeOffset? asOf, string? state, CancellationToken cancellationToken) =>
        DerivedAsync(catalog, asOf, null, state, cancellationToken);

    public IAsyncEnumerable<V1DailyRow> DerivedAsync(ExportCatalog catalog, DateTimeOffset? asOf, long? upToVersionId, string? state, CancellationToken cancellationToken) =>
        V1DailyRows.WithDerivedColumns(RawAsync(catalog, asOf, upToVersionId, state, cancellationToken), code => catalog.TotalTestsRuleByState[code], cancellationToken);

    public IAsyncEnumerable<V1DailyRow> RawAsync(ExportCatalog catalog, DateTimeOffset? asOf, string? state, CancellationToken cancellationToken) =>
        RawAsync(catalog, asOf, null, state, cancellationToken);

    /// <summary>
    /// Rows as they stood at a moment (<paramref name="asOf"/>) or after a given version was
    /// written (<paramref name="upToVersionId"/>: what a snapshot pins), or as they are now.
    /// </summary>
    public async IAsyncEnumerable<V1DailyRow> RawAsync(ExportCatalog catalog, DateTimeOffset? asOf, long? upToVersionId, string? state,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await foreach (var row in RawAsync(db, catalog, asOf, upToVersionId, state, cancellationToken))
        {
            yield return row;
        }
    }

    /// <summary>The same rows read through <paramref name="db"/>, so inside its transaction when it has one (one snapshot of the data).</summary>
    public static async IAsyncEnumerable<V1DailyRow> RawAsync(CovidEntryDbContext db, ExportCatalog catalog, DateTimeOffset? asOf, long? upToVersionId, string? state,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var stateFilter = state is null ? "" : "AND \"JurisdictionCode\" = @state";
        var cut = upToVersionId is null ? "\"PublishedAtUtc\" <= @asOf" : "\"Id\" <= @upTo";
        // Each reported day comes as a row without a metric: it makes the day exist, values or not.
        var now = asOf is null && upToVersionId is null;
        var days = $"""SELECT "DataDate", "JurisdictionCode", NULL, NULL, NULL, NULL FROM "ReportedDays" WHERE {(now ? "true" : cut)} {stateFilter}""";
        var sql = now
            ? $"""
               SELECT "DataDate", "JurisdictionCode", "MetricKey", "Value", "MissingReason", "ScreenshotId" FROM "LatestValues"
               WHERE true {stateFilter}
               UNION ALL {days}
               ORDER BY "DataDate" DESC, "JurisdictionCode"
               """
            : $"""
               SELECT "DataDate", "JurisdictionCode", "MetricKey", "Value", "MissingReason", "ScreenshotId" FROM (
                   SELECT DISTINCT ON ("JurisdictionCode", "DataDate", "MetricKey") "DataDate", "JurisdictionCode", "MetricKey", "Value", "MissingReason", "ScreenshotId"
                   FROM "ValueVersions"
                   WHERE {cut} {stateFilter}
                   ORDER BY "JurisdictionCode", "DataDate", "MetricKey", "VersionNumber" DESC) AS as_of
               UNION ALL {days}
               ORDER BY "DataDate" DESC, "JurisdictionCode"
               """;

        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await connection.OpenAsync(cancellationToken);
        }

        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        if (state is not null)
        {
            command.Parameters.AddWithValue("state", state);
        }

        if (upToVersionId is { } upTo)
        {
            command.Parameters.AddWithValue("upTo", upTo);
        }
        else if (asOf is { } moment)
        {
            command.Parameters.AddWithValue("asOf", moment.UtcDateTime);
        }

        // Rows are small: reading each whole (not sequential access) lets the null checks stay synchronous.
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        (DateOnly Date, string State)? current = null;
        var values = new Dictionary<string, long?>();
        Dictionary<string, MissingReason>? missing = null;
        Dictionary<string, Guid>? screenshots = null;
        while (await reader.ReadAsync(cancellationToken))
        {
            var key = (reader.GetFieldValue<DateOnly>(0), reader.GetString(1));
            if (current is { } open && open != key)
            {
                yield return new V1DailyRow(open.Date, open.State, values, missing, screenshots);
                values = [];
                missing = null;
                screenshots = null;
            }

            current = key;
            if (reader.IsDBNull(2))
            {
                continue;
            }

            var metric = reader.GetString(2);
            long? value = reader.IsDBNull(3) ? null : reader.GetInt64(3);
            string? reason = value is null && !reader.IsDBNull(4) ? reader.GetString(4) : null;
            Guid? screenshot = reader.IsDBNull(5) ? null : reader.GetGuid(5);
            if (catalog.ColumnByMetricKey.TryGetValue(metric, out var column))
            {
                values[column] = value;
                if (reason is not null)
                {
                    (missing ??= [])[column] = Enum.Parse<MissingReason>(reason);
                }

                if (screenshot is { } id)
                {
                    (screenshots ??= [])[column] = id;
                }
            }
        }

        if (current is { } last)
        {
            yield return new V1DailyRow(last.Date, last.State, values, missing, screenshots);
        }
    }
}
