using CovidEntry.App.Features.Audit;
using CovidEntry.Domain;
using CovidEntry.Domain.History;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace CovidEntry.App.Features.Publish;

/// <summary>
/// Writes a publish's versions in one statement (the database moves the latest table), then their
/// audit events in one COPY, inside the caller's transaction, with blocking I/O (see
/// <see cref="PublishService"/>). A 56-entry batch is about a thousand versions: through the
/// change tracker that was two thousand statements and their results, and a publish spent most
/// of its time passing them back and forth.
/// </summary>
internal static class PublishedValues
{
    // The latest table follows by itself: a trigger on the history moves it (docs/decisions/031), and
    // refuses a version that does not follow its cell's latest one (another publish got there first).
    private const string Sql = """
        INSERT INTO "ValueVersions" ("JurisdictionCode", "DataDate", "MetricKey", "Value", "MissingReason", "VersionNumber", "BatchId", "PublishedByUserId", "PublishedAtUtc", "LagDays", "ScreenshotId")
        SELECT code, date, metric, value, reason, number, @batch, @user, @at, lag, screenshot
        FROM unnest(@codes, @dates, @metrics, @values, @reasons, @numbers, @lags, @screenshots)
            AS p(code, date, metric, value, reason, number, lag, screenshot)
        RETURNING "Id", "JurisdictionCode", "DataDate", "MetricKey"
        """;

    /// <summary>The error the history's trigger raises for a version that does not follow its cell's latest one.</summary>
    public const string StaleVersionState = "CE409";

    /// <param name="versions">The planned versions, all of one batch, publisher and moment.</param>
    /// <param name="latest">The cells' latest values as read under the publish lock (not tracked); moved on here.</param>
    public static void Write(DbContext db, IReadOnlyList<ValueVersion> versions, IReadOnlyDictionary<CellKey, LatestValue> latest, DateTime now)
    {
        if (versions.Count == 0)
        {
            return;
        }

        var first = versions[0];
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        using var command = new NpgsqlCommand(Sql, connection);
        command.Parameters.Add(new NpgsqlParameter<string[]>("codes", [.. versions.Select(v => v.JurisdictionCode)]));
        command.Parameters.Add(new NpgsqlParameter<DateOnly[]>("dates", [.. versions.Select(v => v.DataDate)]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("metrics", [.. versions.Select(v => v.MetricKey)]));
        command.Parameters.Add(new NpgsqlParameter<long?[]>("values", [.. versions.Select(v => v.Value)]));
        command.Parameters.Add(new NpgsqlParameter<string?[]>("reasons", [.. versions.Select(v => v.MissingReason?.ToString())]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<int[]>("numbers", [.. versions.Select(v => v.VersionNumber)]));
        command.Parameters.Add(new NpgsqlParameter<int[]>("lags", [.. versions.Select(v => v.LagDays)]));
        command.Parameters.Add(new NpgsqlParameter<Guid?[]>("screenshots", [.. versions.Select(v => v.ScreenshotId)]));
        command.Parameters.Add(new NpgsqlParameter<Guid>("batch", first.BatchId));
        command.Parameters.Add(new NpgsqlParameter<string>("user", first.PublishedByUserId));
        command.Parameters.Add(new NpgsqlParameter<DateTime>("at", first.PublishedAtUtc));

        var byCell = versions.ToDictionary(v => v.Cell);
        try
        {
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                byCell[new CellKey(reader.GetString(1), reader.GetFieldValue<DateOnly>(2), reader.GetString(3))].StoredAs(reader.GetInt64(0));
            }
        }
        catch (PostgresException ex) when (ex.SqlState == StaleVersionState)
        {
            throw new DomainException("The published values changed while this batch was being published; nothing was published. Try again.");
        }

        if (versions.Any(v => v.Id == 0))
        {
            throw new DomainException("The published values changed while this batch was being published; nothing was published. Try again.");
        }

        var audit = new AuditRows(db, now);
        foreach (var version in versions)
        {
            audit.Inserted(version);
            if (latest.TryGetValue(version.Cell, out var current))
            {
                var before = audit.Values(current);
                current.Apply(version);
                audit.Updated(current, before);
            }
            else
            {
                audit.Inserted(new LatestValue(version));
            }
        }

        AuditLog.Write(db, audit.Events);
    }
}
