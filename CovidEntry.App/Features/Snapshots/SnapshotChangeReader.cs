using CovidEntry.App.Data;
using CovidEntry.Domain.Batches;
using CovidEntry.Domain.Metrics;
using CovidEntry.Domain.Snapshots;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CovidEntry.App.Features.Snapshots;

/// <summary>Reads what changed in the history between two snapshots' last versions, for the changelog and the checks.</summary>
public static class SnapshotChangeReader
{
    /// <summary>Every cell whose newest version is after the previous snapshot, with its value then and now.</summary>
    public static async Task<SnapshotChanges> ReadAsync(IDbContextFactory<CovidEntryDbContext> dbFactory, long previousVersionId, long lastVersionId, CancellationToken cancellationToken)
    {
        const string sql = """
            WITH changed AS (
                SELECT DISTINCT ON ("JurisdictionCode", "DataDate", "MetricKey")
                       "JurisdictionCode" AS j, "DataDate" AS d, "MetricKey" AS m, "Value" AS now_value, "BatchId" AS batch
                FROM "ValueVersions"
                WHERE "Id" > @previous AND "Id" <= @last
                ORDER BY "JurisdictionCode", "DataDate", "MetricKey", "VersionNumber" DESC
            )
            SELECT c.d, c.j, c.m, before.value, c.now_value, c.batch, b."Kind", met."Kind",
                   EXISTS (SELECT 1 FROM "ValueVersions" p WHERE p."JurisdictionCode" = c.j AND p."DataDate" = c.d AND p."Id" <= @previous)
                       OR EXISTS (SELECT 1 FROM "ReportedDays" r WHERE r."JurisdictionCode" = c.j AND r."DataDate" = c.d AND r."Id" <= @previous) AS row_existed,
                   before.found
            FROM changed c
            JOIN "Batches" b ON b."Id" = c.batch
            JOIN "Metrics" met ON met."Key" = c.m
            LEFT JOIN LATERAL (
                SELECT v."Value" AS value, true AS found FROM "ValueVersions" v
                WHERE v."JurisdictionCode" = c.j AND v."DataDate" = c.d AND v."MetricKey" = c.m AND v."Id" <= @previous
                ORDER BY v."VersionNumber" DESC LIMIT 1) before ON true
            ORDER BY c.d DESC, c.j, c.m
            """;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        command.Parameters.AddWithValue("previous", previousVersionId);
        command.Parameters.AddWithValue("last", lastVersionId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var cells = new List<CellChange>();
        var decreases = new List<CumulativeDecrease>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var change = new CellChange(
                reader.GetFieldValue<DateOnly>(0), reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetInt64(3), reader.IsDBNull(4) ? null : reader.GetInt64(4), reader.GetBoolean(8));
            cells.Add(change);
            var cumulative = reader.GetString(7) == nameof(MetricKind.Cumulative);
            if (cumulative && change is { Before: { } before, Now: { } now } && now < before)
            {
                decreases.Add(new CumulativeDecrease(change.State, change.Date, change.Metric, before, now, Enum.Parse<BatchKind>(reader.GetString(6)), reader.GetGuid(5)));
            }
        }

        await reader.CloseAsync();

        // A day reported with nothing filled in has no cell above, yet it is a row the snapshot adds.
        await using var days = new NpgsqlCommand("""
            SELECT r."DataDate", r."JurisdictionCode" FROM "ReportedDays" r
            WHERE r."Id" > @previous AND r."Id" <= @last
              AND NOT EXISTS (SELECT 1 FROM "ValueVersions" p WHERE p."JurisdictionCode" = r."JurisdictionCode" AND p."DataDate" = r."DataDate" AND p."Id" <= @previous)
            """, connection) { CommandTimeout = 0 };
        days.Parameters.AddWithValue("previous", previousVersionId);
        days.Parameters.AddWithValue("last", lastVersionId);
        var daysAdded = new List<(DateOnly, string)>();
        await using (var dayReader = await days.ExecuteReaderAsync(cancellationToken))
        {
            while (await dayReader.ReadAsync(cancellationToken))
            {
                daysAdded.Add((dayReader.GetFieldValue<DateOnly>(0), dayReader.GetString(1)));
            }
        }

        return new SnapshotChanges(cells, decreases, daysAdded);
    }
}
