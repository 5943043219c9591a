using System.Data;
using System.Globalization;
using CovidEntry.App.Data;
using CovidEntry.App.Features.History;
using CovidEntry.Domain.Audit;
using CovidEntry.Domain.History;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CovidEntry.App.Features.Audit;

/// <summary>
/// What audit-verify found: how many events and links held, the chain's head, how many events are
/// waiting to be linked (the running app's job, not a fault), how many anchored heads, batches,
/// versions and published snapshots it checked, and every finding, each a sentence naming what is wrong.
/// </summary>
public sealed record AuditVerification(long Events, long? HeadId, string HeadHash, long Waiting, int Anchors, long Batches, long Versions,
    IReadOnlyList<AuditFinding> Findings, int FindingsLeftOut, int Snapshots = 0)
{
    public bool Intact => Findings.Count == 0;
}

/// <summary>
/// Checks, and changes nothing: the chain link by link under the app's keys, each event's seal, the
/// order of events, the chain against every head anchored outside the database, each batch's
/// versions against the manifest its sealed event vouches for, and the latest table against the
/// newest version of every cell (docs/decisions/030 and 031). Everything is streamed, so a history
/// of millions of versions takes little memory.
/// </summary>
public sealed class AuditVerifier(IDbContextFactory<CovidEntryDbContext> dbFactory, AuditKeys keys, AuditHeadLog heads, Snapshots.SnapshotSigningKeys snapshotKeys,
    IConfiguration configuration)
{
    /// <summary>How far an event's time may fall behind the events linked before it (a long transaction commits late).</summary>
    private TimeSpan Tolerance => TimeSpan.FromMinutes(configuration.GetValue("Audit:OrderToleranceMinutes", 15.0));

    private const int MostOfOneKind = 50;

    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        var findings = new Findings();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.Database.SetCommandTimeout(TimeSpan.Zero);

        // The head log first (a head is appended after its links commit), then every read from one
        // snapshot of the database: the running app links and publishes meanwhile, and an event
        // linked between two reads must not look as if it were neither linked nor waiting.
        var logged = heads.Read();
        await using var snapshot = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await db.Database.ExecuteSqlRawAsync("SET TRANSACTION READ ONLY", cancellationToken);
        var snapshotId = await db.Database.SqlQuery<string>($"SELECT pg_export_snapshot() AS \"Value\"").SingleAsync(cancellationToken);
        var (anchors, anchorCount, snapshots) = await AnchorsAsync(db, logged, findings, cancellationToken);
        var digests = new Dictionary<Guid, BatchDigest>();
        var (events, headId, headHash) = await WalkChainAsync(db, anchors, digests, findings, cancellationToken);
        foreach (var missed in anchors.Values.SelectMany(a => a).Where(a => !a.Seen))
        {
            findings.Add(new AuditFinding(AuditFindingKind.AnchorMissing,
                $"The head anchored by {missed.Head.Source} at {missed.Head.AtUtc:yyyy-MM-dd HH:mm:ss} UTC (link {missed.Head.Position}, event {missed.Head.EventId}, hash {missed.Head.Hash[..16]}…) "
                + "is not in the chain: events were removed from its end, or the chain was linked again behind the app's back.",
                missed.Head.EventId));
        }

        var waiting = await QueueAsync(db, findings, cancellationToken);

        // A publish that committed a moment ago has its digest event waiting for a link: its seal
        // shows it came from the app, which is enough to check its batch by.
        var queued = await db.AuditEvents.FromSql($"""
                SELECT e.* FROM "AuditEvents" e JOIN "AuditPending" p ON p."EventId" = e."Id" WHERE e."EntityType" = {BatchManifests.EntityType}
                """).AsNoTracking().ToListAsync(cancellationToken);
        foreach (var e in queued.Where(keys.IsSealed))
        {
            if (BatchManifests.Read(e) is { } digest)
            {
                digests.TryAdd(digest.BatchId, digest);
            }
        }

        var (batches, versions) = await VersionsAsync(db, snapshotId, digests, findings, cancellationToken);
        await ReportedDaysAsync(db, digests, findings, cancellationToken);
        await LatestAsync(db, findings, cancellationToken);
        return new AuditVerification(events, headId, headHash, waiting, anchorCount, batches, versions, findings.List, findings.LeftOut, snapshots);
    }

    private sealed class Anchor(AuditHead head)
    {
        public AuditHead Head { get; } = head;

        public bool Seen { get; set; }
    }

    /// <summary>
    /// Heads anchored outside the database (the head log) and in each published snapshot's manifest,
    /// by event id; a signed snapshot's head is read from its signed manifest, and a snapshot that no
    /// longer matches its signature is a finding (docs/decisions/028).
    /// </summary>
    private async Task<(Dictionary<long, List<Anchor>> ByEvent, int Count, int Snapshots)> AnchorsAsync(CovidEntryDbContext db,
        (IReadOnlyList<AuditHead> Heads, int Unreadable) log, Findings findings, CancellationToken cancellationToken)
    {
        var (logged, unreadable) = log;
        if (unreadable > 0)
        {
            findings.Add(new AuditFinding(AuditFindingKind.AnchorMissing, $"{unreadable} line(s) of the head log {heads.Path} are not heads: the log was changed."));
        }

        var snapshots = await Snapshots.StoredSnapshotCheck.CheckAsync(db, snapshotKeys, cancellationToken);
        foreach (var problem in snapshots.SelectMany(s => s.Problems))
        {
            findings.Add(new AuditFinding(AuditFindingKind.SnapshotChanged, problem));
        }

        var all = logged.Concat(snapshots.Where(s => s.AuditHeadId is not null && s.AuditHeadHash is not null)
                .Select(s => new AuditHead(s.StartedAtUtc, 0, s.AuditHeadId!.Value, s.AuditHeadHash!, "", $"snapshot {s.Id}'s {(s.HeadIsSigned ? "signed " : "")}manifest")))
            .Select(h => new Anchor(h)).ToList();
        return (all.GroupBy(a => a.Head.EventId).ToDictionary(g => g.Key, g => g.ToList()), all.Count, snapshots.Count);
    }

    private async Task<(long Events, long? HeadId, string HeadHash)> WalkChainAsync(CovidEntryDbContext db, Dictionary<long, List<Anchor>> anchors,
        Dictionary<Guid, BatchDigest> digests, Findings findings, CancellationToken cancellationToken)
    {
        var previous = AuditChain.Genesis;
        long count = 0;
        long? headId = null;
        var latestTime = DateTime.MinValue;
        long latestTimeEvent = 0;
        var now = DateTime.UtcNow;
        var chain = from link in db.AuditChain
                    join e in db.AuditEvents on link.EventId equals e.Id
                    orderby link.Position
                    select new { Event = e, link.Position, link.Hash, link.KeyId };
        await foreach (var linked in chain.AsNoTracking().AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            var e = linked.Event;
            count++;
            if (keys.Find(linked.KeyId) is not { } key)
            {
                findings.Add(new AuditFinding(AuditFindingKind.UnknownKey,
                    $"Link {linked.Position} (event {e.Id}) was sealed with key {linked.KeyId}, which this app does not have (Audit:KeyFile, Audit:PreviousKeyFiles), so it cannot be checked.", e.Id));
            }
            else if (AuditChain.LinkHash(key, previous, e) != linked.Hash)
            {
                findings.Add(new AuditFinding(AuditFindingKind.LinkBroken,
                    $"Audit chain broken at event {e.Id} ({Describe(e)}), link {linked.Position}: its hash does not follow from the link before it and the event, "
                    + "so the event was changed, or an event before it was removed or inserted, behind the app's back.", e.Id));
            }

            if (!keys.IsSealed(e))
            {
                findings.Add(new AuditFinding(AuditFindingKind.NotSealedByTheApp,
                    $"Audit event {e.Id} ({Describe(e)}) carries no valid seal of the app's: it was written or changed behind the app's back.", e.Id));
            }
            else if (BatchManifests.Read(e) is { } digest)
            {
                digests[digest.BatchId] = digest;
            }

            if ((count > 1 && e.OccurredAtUtc < latestTime - Tolerance) || e.OccurredAtUtc > now + Tolerance)
            {
                findings.Add(new AuditFinding(AuditFindingKind.OutOfOrder,
                    $"Audit event {e.Id} ({Describe(e)}) is out of order: it was linked after event {latestTimeEvent} of {latestTime:yyyy-MM-dd HH:mm:ss} UTC, "
                    + "or dated in the future, so its time or id was set behind the app's back (back-dated).", e.Id));
            }

            if (e.OccurredAtUtc > latestTime)
            {
                (latestTime, latestTimeEvent) = (e.OccurredAtUtc, e.Id);
            }

            if (anchors.TryGetValue(e.Id, out var anchored))
            {
                foreach (var anchor in anchored.Where(a => a.Head.Hash == linked.Hash && (a.Head.Position == 0 || a.Head.Position == linked.Position)))
                {
                    anchor.Seen = true;
                }
            }

            previous = linked.Hash;
            headId = e.Id;
        }

        return (count, headId, previous);
    }

    /// <summary>Events committed and queued are the running app's to link; an event neither linked nor queued was taken off behind its back.</summary>
    private static async Task<long> QueueAsync(CovidEntryDbContext db, Findings findings, CancellationToken cancellationToken)
    {
        var waiting = await db.Database.SqlQuery<long>($"""SELECT count(*) AS "Value" FROM "AuditPending" """).SingleAsync(cancellationToken);
        var orphans = await db.AuditEvents.FromSql($"""
                SELECT e.* FROM "AuditEvents" e
                WHERE NOT EXISTS (SELECT 1 FROM "AuditChain" l WHERE l."EventId" = e."Id")
                  AND NOT EXISTS (SELECT 1 FROM "AuditPending" p WHERE p."EventId" = e."Id")
                ORDER BY e."Id" LIMIT {MostOfOneKind}
                """).AsNoTracking().ToListAsync(cancellationToken);
        foreach (var orphan in orphans)
        {
            findings.Add(new AuditFinding(AuditFindingKind.Unlinked,
                $"Audit event {orphan.Id} ({Describe(orphan)}) is on no link of the chain and not waiting for one: it was taken off the queue, or its link removed, behind the app's back.",
                orphan.Id));
        }

        return waiting;
    }

    /// <summary>
    /// Every version, batch by batch, against the manifest lines its batch's sealed event vouches
    /// for: a merge of two streams in the same order, so each changed, added or removed version is
    /// named with its batch and cell.
    /// </summary>
    private static async Task<(long Batches, long Versions)> VersionsAsync(CovidEntryDbContext db, string snapshotId, Dictionary<Guid, BatchDigest> digests,
        Findings findings, CancellationToken cancellationToken)
    {
        // The manifests first (a few rows a batch), checked against the digests; their lines are read one part at a time below.
        var parts = await db.BatchManifests.AsNoTracking().Select(m => new { m.BatchId, m.JurisdictionCode, m.Rows, m.Sha256 }).ToListAsync(cancellationToken);
        var trusted = new HashSet<(Guid, string)>();
        var listChanged = new HashSet<Guid>();
        foreach (var batch in parts.GroupBy(p => p.BatchId))
        {
            if (!digests.TryGetValue(batch.Key, out var digest))
            {
                findings.Add(new AuditFinding(AuditFindingKind.ManifestChanged,
                    $"Batch {batch.Key} has a list of versions but no sealed audit event vouches for it: it was written behind the app's back.", BatchId: batch.Key));
                continue;
            }

            if (VersionLines.BatchDigest(batch.Select(p => (p.JurisdictionCode, p.Sha256))) != digest.Sha256 || batch.Sum(p => p.Rows) != digest.Versions)
            {
                findings.Add(new AuditFinding(AuditFindingKind.ManifestChanged,
                    $"Batch {batch.Key}'s list of the versions it wrote no longer matches the digest its audit event sealed ({digest.Versions:#,0} versions, {digest.Sha256[..16]}…): "
                    + "the list was changed behind the app's back, so its versions are checked against the digest alone.", BatchId: batch.Key));
                listChanged.Add(batch.Key);
                continue;
            }

            foreach (var part in batch)
            {
                trusted.Add((part.BatchId, part.JurisdictionCode));
            }
        }

        foreach (var digest in digests.Values.Where(d => d.Versions > 0 && !parts.Any(p => p.BatchId == d.BatchId)))
        {
            listChanged.Add(digest.BatchId);
            findings.Add(new AuditFinding(AuditFindingKind.ManifestChanged,
                $"Batch {digest.BatchId} wrote {digest.Versions:#,0} versions by its sealed audit event, but its list of them is gone: it was removed behind the app's back.", BatchId: digest.BatchId));
        }

        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var manifestConnection = new NpgsqlConnection(db.Database.GetConnectionString());
        await manifestConnection.OpenAsync(cancellationToken);
        await using var sameSnapshot = await manifestConnection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await using (var join = new NpgsqlCommand($"SET TRANSACTION SNAPSHOT '{snapshotId}'; SET TRANSACTION READ ONLY", manifestConnection, sameSnapshot))
        {
            await join.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var versionsCommand = new NpgsqlCommand("""
            SELECT "BatchId", "JurisdictionCode", "DataDate", "MetricKey", "VersionNumber", "Value", "MissingReason", "LagDays", "ScreenshotId", "PublishedByUserId", "PublishedAtUtc"
            FROM "ValueVersions"
            ORDER BY "BatchId", "JurisdictionCode" COLLATE "C", "DataDate", "MetricKey" COLLATE "C", "VersionNumber"
            """, connection) { CommandTimeout = 0 };
        await using var rows = await versionsCommand.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        var current = await NextVersionAsync(rows, cancellationToken);
        long versions = 0;
        var batches = new HashSet<Guid>();

        // Where the list cannot be trusted, the versions are hashed as the list was, to compare with the sealed digest.
        var rehashed = listChanged.ToDictionary(b => b, _ => new List<(string Code, string Sha256)>());
        while (current is not null)
        {
            var (batchId, code) = (current.Value.BatchId, current.Value.Line.JurisdictionCode);
            batches.Add(batchId);
            var recorded = trusted.Contains((batchId, code)) ? await ManifestLinesAsync(manifestConnection, batchId, code, cancellationToken) : null;
            digests.TryGetValue(batchId, out var digest);
            using var rehash = rehashed.ContainsKey(batchId) ? System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256) : null;
            var index = 0;
            var hashed = 0;
            while (current is { } version && version.BatchId == batchId && version.Line.JurisdictionCode == code)
            {
                versions++;
                if (digest is null)
                {
                    findings.Add(new AuditFinding(AuditFindingKind.VersionAdded,
                        $"{version.Line} ({Value(version.Line)}) is in batch {batchId}, which no sealed audit event says wrote anything: it was added behind the app's back.", BatchId: batchId));
                }
                else if (version.PublishedBy != digest.PublishedByUserId || version.PublishedAt != digest.PublishedAtUtc)
                {
                    findings.Add(new AuditFinding(AuditFindingKind.VersionChanged,
                        $"{version.Line} of batch {batchId} says it was published by {version.PublishedBy} at {version.PublishedAt:O}; the batch was published by {digest.PublishedByUserId} at {digest.PublishedAtUtc:O}.",
                        BatchId: batchId));
                }

                if (rehash is not null)
                {
                    rehash.AppendData(System.Text.Encoding.UTF8.GetBytes((hashed++ == 0 ? "" : "\n") + VersionLines.Line(version.Line)));
                }

                if (recorded is not null)
                {
                    // Lines before this version's cell were written and are gone.
                    while (index < recorded.Count && VersionLine.Compare(recorded[index], version.Line) < 0)
                    {
                        Removed(findings, batchId, recorded[index++]);
                    }

                    if (index < recorded.Count && VersionLine.Compare(recorded[index], version.Line) == 0 && recorded[index].VersionNumber == version.Line.VersionNumber)
                    {
                        if (recorded[index] != version.Line)
                        {
                            findings.Add(new AuditFinding(AuditFindingKind.VersionChanged,
                                $"{version.Line} of batch {batchId} differs from what the batch wrote: {string.Join(", ", version.Line.DifferencesFrom(recorded[index]))}.", BatchId: batchId));
                        }

                        index++;
                    }
                    else
                    {
                        findings.Add(new AuditFinding(AuditFindingKind.VersionAdded,
                            $"{version.Line} ({Value(version.Line)}) is in batch {batchId}, which never wrote it: it was added behind the app's back.", BatchId: batchId));
                    }
                }

                current = await NextVersionAsync(rows, cancellationToken);
            }

            while (recorded is not null && index < recorded.Count)
            {
                Removed(findings, batchId, recorded[index++]);
            }

            if (rehash is not null)
            {
                rehashed[batchId].Add((code, Convert.ToHexStringLower(rehash.GetHashAndReset())));
            }

            trusted.Remove((batchId, code));
        }

        // Parts whose every version is gone.
        foreach (var (batchId, code) in trusted)
        {
            foreach (var line in await ManifestLinesAsync(manifestConnection, batchId, code, cancellationToken))
            {
                Removed(findings, batchId, line);
            }
        }

        foreach (var (batchId, rehashedParts) in rehashed)
        {
            var digest = digests[batchId];
            if (VersionLines.BatchDigest(rehashedParts) != digest.Sha256)
            {
                findings.Add(new AuditFinding(AuditFindingKind.VersionChanged,
                    $"Batch {batchId}'s versions differ from what it wrote ({digest.Versions:#,0} versions, {digest.Sha256[..16]}…), and its list of them was changed too, "
                    + "so the cells that differ cannot be named.", BatchId: batchId));
            }
        }

        return (batches.Count, versions);

        static void Removed(Findings findings, Guid batchId, VersionLine line) =>
            findings.Add(new AuditFinding(AuditFindingKind.VersionRemoved,
                $"{line} ({Value(line)}), written by batch {batchId}, is gone from the version history: it was removed behind the app's back.", BatchId: batchId));
    }

    private readonly record struct StoredVersion(Guid BatchId, VersionLine Line, string PublishedBy, DateTime PublishedAt);

    private static async Task<StoredVersion?> NextVersionAsync(NpgsqlDataReader rows, CancellationToken cancellationToken)
    {
        if (!await rows.ReadAsync(cancellationToken))
        {
            return null;
        }

        var batch = rows.GetGuid(0);
        var line = new VersionLine(rows.GetString(1), rows.GetFieldValue<DateOnly>(2), rows.GetString(3), rows.GetInt32(4),
            rows.IsDBNull(5) ? null : rows.GetInt64(5), rows.IsDBNull(6) ? null : rows.GetString(6), rows.GetInt32(7),
            rows.IsDBNull(8) ? null : rows.GetGuid(8));
        return new StoredVersion(batch, line, rows.GetString(9), DateTime.SpecifyKind(rows.GetDateTime(10), DateTimeKind.Utc));
    }

    private static async Task<List<VersionLine>> ManifestLinesAsync(NpgsqlConnection connection, Guid batchId, string code, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""SELECT "Lines" FROM "BatchManifests" WHERE "BatchId" = @batch AND "JurisdictionCode" = @code""", connection);
        command.Parameters.AddWithValue("batch", batchId);
        command.Parameters.AddWithValue("code", code);
        var text = (string?)await command.ExecuteScalarAsync(cancellationToken) ?? "";
        return text.Length == 0 ? [] : [.. text.Split('\n').Select(l => VersionLines.Parse(l) ?? throw new InvalidDataException($"Batch {batchId} ({code}) holds a line that is not a version: {l}"))];
    }

    /// <summary>The latest table against the newest version of every cell, both read in cell order.</summary>
    /// <summary>
    /// The days recorded as reported, batch by batch, against the count and digest each batch's
    /// sealed event recorded (docs/decisions/029), and each at its batch's publish time (which
    /// decides when the day appears in as-of reads). The digest names the batch whose days differ;
    /// a day of a batch that recorded none, or at another time, is named itself.
    /// </summary>
    private static async Task ReportedDaysAsync(CovidEntryDbContext db, Dictionary<Guid, BatchDigest> digests, Findings findings, CancellationToken cancellationToken)
    {
        var days = await db.ReportedDays.AsNoTracking()
            .Select(r => new { r.BatchId, r.JurisdictionCode, r.DataDate, r.PublishedAtUtc })
            .ToListAsync(cancellationToken);
        var byBatch = days.ToLookup(d => d.BatchId);
        foreach (var batch in byBatch)
        {
            var digest = digests.GetValueOrDefault(batch.Key);
            if (digest?.Days is not { } recorded)
            {
                foreach (var day in batch)
                {
                    findings.Add(new AuditFinding(AuditFindingKind.ReportedDayDiffers,
                        $"{day.JurisdictionCode} {day.DataDate:yyyy-MM-dd} is recorded as reported by batch {batch.Key}, which recorded no reported days in a sealed audit event: it was added behind the app's back.",
                        BatchId: batch.Key));
                }

                continue;
            }

            var held = batch.Select(d => new DayKey(d.JurisdictionCode, d.DataDate)).ToList();
            if (held.Count != recorded || DayLines.Sha256(held) != digest.DaysSha256)
            {
                findings.Add(new AuditFinding(AuditFindingKind.ReportedDayDiffers,
                    $"Batch {batch.Key} recorded {recorded:#,0} reported days in its sealed audit event ({digest.DaysSha256?[..Math.Min(16, digest.DaysSha256.Length)]}…), "
                    + $"but the history holds {held.Count:#,0} different ones: a day was added, changed or removed behind the app's back.",
                    BatchId: batch.Key));
            }

            foreach (var day in batch.Where(d => AuditChain.ToMicroseconds(d.PublishedAtUtc) != digest.PublishedAtUtc))
            {
                findings.Add(new AuditFinding(AuditFindingKind.ReportedDayDiffers,
                    $"{day.JurisdictionCode} {day.DataDate:yyyy-MM-dd} (batch {batch.Key}) is recorded as reported at {day.PublishedAtUtc:yyyy-MM-dd HH:mm:ss} UTC, "
                    + $"but its batch was published at {digest.PublishedAtUtc:yyyy-MM-dd HH:mm:ss} UTC: its time was changed behind the app's back.",
                    BatchId: batch.Key));
            }
        }

        foreach (var digest in digests.Values.Where(d => d.Days > 0 && !byBatch.Contains(d.BatchId)))
        {
            findings.Add(new AuditFinding(AuditFindingKind.ReportedDayDiffers,
                $"Batch {digest.BatchId} recorded {digest.Days:#,0} reported days in its sealed audit event, but the history holds none of them: they were removed behind the app's back.",
                BatchId: digest.BatchId));
        }
    }

    private static async Task LatestAsync(CovidEntryDbContext db, Findings findings, CancellationToken cancellationToken)
    {
        const string Columns = """
            "JurisdictionCode", "DataDate", "MetricKey", "VersionNumber", "Value", "MissingReason", "BatchId", "PublishedAtUtc", "ScreenshotId"
            """;
        var connectionString = db.Database.GetConnectionString();
        await using var historyConnection = new NpgsqlConnection(connectionString);
        await using var latestConnection = new NpgsqlConnection(connectionString);
        await historyConnection.OpenAsync(cancellationToken);
        await latestConnection.OpenAsync(cancellationToken);
        await using var newest = new NpgsqlCommand($"""
            SELECT DISTINCT ON ("JurisdictionCode" COLLATE "C", "DataDate", "MetricKey" COLLATE "C") {Columns} FROM "ValueVersions"
            ORDER BY "JurisdictionCode" COLLATE "C", "DataDate", "MetricKey" COLLATE "C", "VersionNumber" DESC
            """, historyConnection) { CommandTimeout = 0 };
        await using var latest = new NpgsqlCommand($"""
            SELECT {Columns} FROM "LatestValues" ORDER BY "JurisdictionCode" COLLATE "C", "DataDate", "MetricKey" COLLATE "C"
            """, latestConnection) { CommandTimeout = 0 };
        await using var history = await newest.ExecuteReaderAsync(cancellationToken);
        await using var table = await latest.ExecuteReaderAsync(cancellationToken);
        var h = await NextCellAsync(history, cancellationToken);
        var l = await NextCellAsync(table, cancellationToken);
        while (h is not null || l is not null)
        {
            var order = h is null ? 1 : l is null ? -1 : VersionLine.Compare(h.Line, l.Line);
            if (order < 0)
            {
                findings.Add(new AuditFinding(AuditFindingKind.LatestDiffers,
                    $"The latest table has no row for {h!.Line.Cell.JurisdictionCode} {h.Line.DataDate:yyyy-MM-dd} {h.Line.MetricKey}, whose newest version is v{h.Line.VersionNumber} ({Value(h.Line)}): it was removed behind the app's back.",
                    BatchId: h.BatchId));
                h = await NextCellAsync(history, cancellationToken);
            }
            else if (order > 0)
            {
                findings.Add(new AuditFinding(AuditFindingKind.LatestDiffers,
                    $"The latest table holds {l!.Line.Cell.JurisdictionCode} {l.Line.DataDate:yyyy-MM-dd} {l.Line.MetricKey} = {Value(l.Line)}, a cell with no version in the history: it was added behind the app's back.",
                    BatchId: l.BatchId));
                l = await NextCellAsync(table, cancellationToken);
            }
            else
            {
                if (h! != l!)
                {
                    var differences = l!.Line.DifferencesFrom(h!.Line).ToList();
                    if (h.BatchId != l.BatchId)
                    {
                        differences.Add($"batch {h.BatchId} → {l.BatchId}");
                    }

                    if (h.PublishedAt != l.PublishedAt)
                    {
                        differences.Add($"published {h.PublishedAt:O} → {l.PublishedAt:O}");
                    }

                    findings.Add(new AuditFinding(AuditFindingKind.LatestDiffers,
                        $"The latest table's {h.Line.Cell.JurisdictionCode} {h.Line.DataDate:yyyy-MM-dd} {h.Line.MetricKey} differs from its newest version v{h.Line.VersionNumber}: {string.Join(", ", differences)}.",
                        BatchId: l.BatchId));
                }

                h = await NextCellAsync(history, cancellationToken);
                l = await NextCellAsync(table, cancellationToken);
            }
        }
    }

    private sealed record CellRow(VersionLine Line, Guid BatchId, DateTime PublishedAt);

    private static async Task<CellRow?> NextCellAsync(NpgsqlDataReader rows, CancellationToken cancellationToken)
    {
        if (!await rows.ReadAsync(cancellationToken))
        {
            return null;
        }

        // Lag is not kept in the latest table; it is compared as part of the versions above.
        var line = new VersionLine(rows.GetString(0), rows.GetFieldValue<DateOnly>(1), rows.GetString(2), rows.GetInt32(3),
            rows.IsDBNull(4) ? null : rows.GetInt64(4), rows.IsDBNull(5) ? null : rows.GetString(5), 0, rows.IsDBNull(8) ? null : rows.GetGuid(8));
        return new CellRow(line, rows.GetGuid(6), DateTime.SpecifyKind(rows.GetDateTime(7), DateTimeKind.Utc));
    }

    private static string Value(VersionLine line) => line.Value?.ToString("#,0", CultureInfo.InvariantCulture) ?? "empty";

    private static string Describe(AuditEvent e) =>
        $"{e.OccurredAtUtc:yyyy-MM-dd HH:mm:ss} UTC, {e.Action} {e.EntityType} {e.EntityKey}";

    /// <summary>The findings, at most <see cref="MostOfOneKind"/> of each kind listed (all counted).</summary>
    private sealed class Findings
    {
        private readonly Dictionary<AuditFindingKind, int> _byKind = [];

        public List<AuditFinding> List { get; } = [];

        public int LeftOut { get; private set; }

        public void Add(AuditFinding finding)
        {
            var seen = _byKind[finding.Kind] = _byKind.GetValueOrDefault(finding.Kind) + 1;
            if (seen <= MostOfOneKind)
            {
                List.Add(finding);
            }
            else
            {
                LeftOut++;
            }
        }
    }
}

/// <summary>
/// <c>./run.sh audit-verify</c>: checks and changes nothing (linking waiting events is the running
/// app's job); exits 0 when everything holds, 1 listing what does not.
/// </summary>
public static class AuditVerifyCommand
{
    public const string Verb = "audit-verify";

    public static async Task<int> RunAsync(WebApplication app)
    {
        var result = await app.Services.GetRequiredService<AuditVerifier>().VerifyAsync();
        var waiting = result.Waiting == 0 ? "" : $" {result.Waiting:#,0} events are committed and waiting to be linked by the running app; they are not checked yet.";
        var checkedWhat = $"{result.Events:#,0} linked events, {result.Anchors:#,0} anchored heads, {result.Batches:#,0} batches with {result.Versions:#,0} versions, "
            + $"{result.Snapshots:#,0} published snapshots against their signatures, and the latest table.";
        if (!result.Intact)
        {
            foreach (var finding in result.Findings)
            {
                Console.Error.WriteLine(finding.Sentence);
            }

            if (result.FindingsLeftOut > 0)
            {
                Console.Error.WriteLine($"… and {result.FindingsLeftOut:#,0} more of the same kinds.");
            }

            Console.Error.WriteLine($"Audit trail NOT intact: {result.Findings.Count + result.FindingsLeftOut:#,0} problem(s) in {checkedWhat}{waiting}");
            return 1;
        }

        Console.WriteLine($"Audit trail intact: {checkedWhat} Head {result.HeadId?.ToString(CultureInfo.InvariantCulture) ?? "(none)"} {result.HeadHash}.{waiting}");
        return 0;
    }
}
