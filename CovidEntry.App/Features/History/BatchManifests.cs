using System.Globalization;
using CovidEntry.App.Features.Audit;
using CovidEntry.Domain.Audit;
using CovidEntry.Domain.History;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CovidEntry.App.Features.History;

/// <summary>A batch's digest as its sealed audit event records it.</summary>
/// <param name="Days">The jurisdiction-days the batch first reported, and <paramref name="DaysSha256"/> their digest
/// (<see cref="DayLines"/>); null for a batch recorded before days were (it reported none).</param>
public sealed record BatchDigest(Guid BatchId, long Versions, string Sha256, string PublishedByUserId, DateTime PublishedAtUtc,
    long? Days = null, string? DaysSha256 = null);

/// <summary>
/// Records, in the publish's or import's own transaction, exactly which versions a batch wrote:
/// a manifest per jurisdiction (<see cref="BatchManifest"/>, the lines of <see cref="VersionLines"/>
/// built in one SQL statement from the rows just written) and one audit event holding the batch's
/// digest, sealed with the app's key and linked onto the chain like every event (docs/decisions/031).
/// The same event records the digest of the jurisdiction-days the batch first reported
/// (<see cref="ReportedDay"/>, docs/decisions/029), which are therefore written before it.
/// </summary>
public static class BatchManifests
{
    public const string EntityType = "BatchManifests";
    public const string VersionsField = "versions";
    public const string DigestField = "versions_sha256";
    public const string PublishedByField = "published_by";
    public const string PublishedAtField = "published_at";
    public const string DaysField = "reported_days";
    public const string DaysDigestField = "reported_days_sha256";

    // The line of VersionLines.Line, ordered as VersionLine.Compare orders (COLLATE "C" is ordinal).
    private const string Sql = """
        WITH parts AS (
            SELECT "JurisdictionCode" AS code, count(*)::int AS rows,
                   string_agg(concat_ws('|', "JurisdictionCode", to_char("DataDate", 'YYYY-MM-DD'), "MetricKey", "VersionNumber",
                                        coalesce("Value"::text, ''), coalesce("MissingReason", ''), "LagDays", coalesce("ScreenshotId"::text, '')),
                              E'\n' ORDER BY "DataDate", "MetricKey" COLLATE "C") AS lines
            FROM "ValueVersions" WHERE "BatchId" = @batch
            GROUP BY "JurisdictionCode"
        ), stored AS (
            INSERT INTO "BatchManifests" ("BatchId", "JurisdictionCode", "Rows", "Sha256", "Lines")
            SELECT @batch, code, rows, encode(sha256(convert_to(lines, 'UTF8')), 'hex'), lines FROM parts
            RETURNING "JurisdictionCode", "Rows", "Sha256"
        ), days AS (
            SELECT count(*) AS days,
                   coalesce(string_agg("JurisdictionCode" || '|' || to_char("DataDate", 'YYYY-MM-DD'), E'\n' ORDER BY "JurisdictionCode" COLLATE "C", "DataDate"), '') AS lines
            FROM "ReportedDays" WHERE "BatchId" = @batch
        )
        SELECT coalesce(sum("Rows"), 0)::bigint,
               encode(sha256(convert_to(coalesce(string_agg("JurisdictionCode" || ':' || "Sha256", E'\n' ORDER BY "JurisdictionCode" COLLATE "C"), ''), 'UTF8')), 'hex'),
               (SELECT days FROM days), (SELECT encode(sha256(convert_to(lines, 'UTF8')), 'hex') FROM days)
        FROM stored
        """;

    /// <summary>Writes the manifests of the batch's versions and its digest event, with blocking I/O (the publish's thread).</summary>
    public static BatchDigest Write(DbContext db, Guid batchId, string publishedByUserId, DateTime publishedAtUtc, IEnumerable<FieldChange>? more = null)
    {
        using var command = Command(db, batchId);
        using var reader = command.ExecuteReader();
        reader.Read();
        var digest = Digest(reader, batchId, publishedByUserId, publishedAtUtc);
        reader.Close();
        AuditLog.Write(db, [Event(digest, more)]);
        return digest;
    }

    public static async Task<BatchDigest> WriteAsync(DbContext db, Guid batchId, string publishedByUserId, DateTime publishedAtUtc,
        IEnumerable<FieldChange>? more, CancellationToken cancellationToken)
    {
        await using var command = Command(db, batchId);
        BatchDigest digest;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            digest = Digest(reader, batchId, publishedByUserId, publishedAtUtc);
        }

        await AuditLog.WriteAsync(db, [Event(digest, more)], cancellationToken);
        return digest;
    }

    /// <summary>The digest an event records, or null for an event that records none.</summary>
    public static BatchDigest? Read(AuditEvent e)
    {
        if (e.EntityType != EntityType || e.BatchId is not { } batchId)
        {
            return null;
        }

        string? Field(string name) => e.Changes.FirstOrDefault(c => c.Field == name)?.After;
        long? days = long.TryParse(Field(DaysField), CultureInfo.InvariantCulture, out var d) ? d : null;
        return long.TryParse(Field(VersionsField), CultureInfo.InvariantCulture, out var versions)
            && Field(DigestField) is { Length: 64 } sha
            && Field(PublishedByField) is { } by
            && DateTime.TryParseExact(Field(PublishedAtField), "O", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
                ? new BatchDigest(batchId, versions, sha, by, at.ToUniversalTime(), days, days is null ? null : Field(DaysDigestField))
                : null;
    }

    private static BatchDigest Digest(NpgsqlDataReader reader, Guid batchId, string publishedByUserId, DateTime publishedAtUtc) =>
        new(batchId, reader.GetInt64(0), reader.GetString(1), publishedByUserId, AuditChain.ToMicroseconds(publishedAtUtc), reader.GetInt64(2), reader.GetString(3));

    private static NpgsqlCommand Command(DbContext db, Guid batchId)
    {
        var command = new NpgsqlCommand(Sql, (NpgsqlConnection)db.Database.GetDbConnection()) { CommandTimeout = 0 };
        command.Parameters.AddWithValue("batch", batchId);
        return command;
    }

    private static AuditEvent Event(BatchDigest digest, IEnumerable<FieldChange>? more)
    {
        var actor = AuditContext.Actor;
        return new AuditEvent(DateTime.UtcNow, actor?.UserId, actor?.UserName, AuditAction.Insert, EntityType,
            digest.BatchId.ToString(),
            [
                new FieldChange(VersionsField, null, digest.Versions.ToString(CultureInfo.InvariantCulture)),
                new FieldChange(DigestField, null, digest.Sha256),
                new FieldChange(PublishedByField, null, digest.PublishedByUserId),
                new FieldChange(PublishedAtField, null, digest.PublishedAtUtc.ToString("O", CultureInfo.InvariantCulture)),
                new FieldChange(DaysField, null, (digest.Days ?? 0).ToString(CultureInfo.InvariantCulture)),
                new FieldChange(DaysDigestField, null, digest.DaysSha256 ?? DayLines.Sha256([])),
                .. more ?? [],
            ],
            actor?.CorrelationId, AuditContext.Reason, digest.BatchId);
    }
}
