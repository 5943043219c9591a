using System.Text;
using CovidEntry.App.Data;
using CovidEntry.App.Features.Access;
using CovidEntry.App.Features.Alerts;
using CovidEntry.App.Features.Exports;
using CovidEntry.App.Shared;
using CovidEntry.Domain.Batches;
using CovidEntry.Domain.Exports;
using CovidEntry.Domain.Snapshots;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CovidEntry.App.Features.Snapshots;

public sealed record SnapshotOutcome(Guid? SnapshotId, SnapshotState? State, string Message);

/// <summary>
/// Makes snapshots: the public files pinned to the newest published version, checked before
/// they become visible (fail closed), with a changelog against the previous snapshot, and signed
/// with a key outside the database (docs/decisions/028). One app instance at a time makes them,
/// under a PostgreSQL advisory lock.
/// </summary>
public sealed class SnapshotService(IDbContextFactory<CovidEntryDbContext> dbFactory, PublishedRows rows, AlertQueue alerts, Audit.AuditChainer chainer,
    SnapshotSigningKeys signingKeys, ActingPerson acting, TimeProvider clock, ILogger<SnapshotService> logger)
{
    public const string Scheduled = "scheduled";
    public const string OnDemand = "on demand";
    public const string StatesDailyCsv = "states-daily.csv";

    /// <summary>Each v1 file of a snapshot, in these formats (in this order).</summary>
    private static readonly string[] Formats = ["csv", "json"];

    private static string MediaType(string format) => format == "csv" ? "text/csv" : "application/json";

    /// <summary>How many rows and changed cells a changelog lists; it always counts them all.</summary>
    public const int ChangelogListLimit = 5_000;

    /// <summary>Makes a snapshot; <paramref name="userId"/> null is the schedule, anyone else must be an admin now.</summary>
    public async Task<SnapshotOutcome> MakeAsync(string trigger, string? userId, CancellationToken cancellationToken = default)
    {
        if (userId is not null)
        {
            await acting.EnsureAsync(userId, Policies.Administer, cancellationToken);
        }

        string connectionString;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            connectionString = db.Database.GetConnectionString()!;
        }

        // A session lock on a connection of its own: held for the whole job, released if the app dies.
        await using var lockConnection = new NpgsqlConnection(connectionString);
        await lockConnection.OpenAsync(cancellationToken);
        await using (var tryLock = new NpgsqlCommand($"SELECT pg_try_advisory_lock({AdvisoryLocks.Snapshot})", lockConnection))
        {
            if (await tryLock.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return new SnapshotOutcome(null, null, "A snapshot is being made right now (perhaps by another app instance); wait for it to finish.");
            }
        }

        try
        {
            using var activity = Diagnostics.Telemetry.Source.StartActivity("make snapshot")?.SetTag("covidentry.trigger", trigger);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var outcome = await MakeLockedAsync(trigger, userId, cancellationToken);
            Diagnostics.Telemetry.SnapshotDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>("covidentry.snapshot_state", outcome.State?.ToString() ?? "none"));
            await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            await Audit.AuditLog.RecordAsync(db, Domain.Audit.AuditAction.SnapshotRun, Audit.AuditKinds.SnapshotRun, outcome.SnapshotId?.ToString(),
                [new Domain.Audit.FieldChange("trigger", null, trigger), new Domain.Audit.FieldChange("state", null, outcome.State?.ToString()),
                 new Domain.Audit.FieldChange("message", null, outcome.Message)], CancellationToken.None);
            return outcome;
        }
        finally
        {
            await using var unlock = new NpgsqlCommand($"SELECT pg_advisory_unlock({AdvisoryLocks.Snapshot})", lockConnection);
            await unlock.ExecuteScalarAsync(CancellationToken.None);
        }
    }

    /// <summary>The files of a snapshot pinned to <paramref name="upToVersionId"/>: the same bytes every time for the same version.</summary>
    public async Task<IReadOnlyList<SnapshotFile>> GenerateFilesAsync(long upToVersionId, Func<string, Task> progress, CancellationToken cancellationToken = default)
    {
        var catalog = await rows.CatalogAsync(cancellationToken);
        var columns = catalog.StatesDailyColumns;
        var files = new List<SnapshotFile>();

        // The same writers as the live files (LiveFileWriters), so a snapshot's file is the live
        // file's bytes at the same moment. One read of the history gives the state rows (kept for
        // Parquet too); one more gives the US rows, a row a date.
        await progress("Writing the states daily files");
        var stateRows = new List<V1DailyRow>();
        await foreach (var row in rows.DerivedAsync(catalog, null, upToVersionId, null, cancellationToken))
        {
            stateRows.Add(row);
            if (stateRows.Count % 20_000 == 0)
            {
                await progress($"Writing the states daily files: {stateRows.Count:#,0} rows read");
            }
        }

        foreach (var format in Formats)
        {
            files.Add(new SnapshotFile($"states-daily.{format}", MediaType(format), stateRows.Count,
                await LiveFileWriters.ToBytesAsync(s => LiveFileWriters.StatesDailyAsync(s, format, columns, stateRows.ToAsyncEnumerable(), cancellationToken))));
        }

        await progress("Writing the US daily files");
        var us = await UsDaily.FromStates(rows.DerivedAsync(catalog, null, upToVersionId, null, cancellationToken), cancellationToken).ToListAsync(cancellationToken);
        foreach (var format in Formats)
        {
            files.Add(new SnapshotFile($"us-daily.{format}", MediaType(format), us.Count,
                await LiveFileWriters.ToBytesAsync(s => LiveFileWriters.UsDailyAsync(s, format, us.ToAsyncEnumerable(), cancellationToken))));
        }

        await progress("Writing the states info files");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var info = (await db.Jurisdictions.AsNoTracking().Include(j => j.Sources).OrderBy(j => j.Code).ToListAsync(cancellationToken))
            .Select(StatesInfoFile.From).ToList();
        foreach (var format in Formats)
        {
            files.Add(new SnapshotFile($"states-info.{format}", MediaType(format), info.Count, LiveFileWriters.StatesInfo(format, info)));
        }

        await progress("Writing the Parquet files and the data package");
        var metrics = await db.Metrics.AsNoTracking().OrderBy(m => m.DisplayOrder).ToListAsync(cancellationToken);
        files.AddRange(await ResearchFormats.FilesAsync(columns, stateRows, us, info, metrics, files, cancellationToken));
        return files;
    }

    private async Task<SnapshotOutcome> MakeLockedAsync(string trigger, string? userId, CancellationToken cancellationToken)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            // Holding the lock, any snapshot still "making" was left by an instance that stopped.
            foreach (var orphan in await db.Snapshots.Where(s => s.State == SnapshotState.Making).ToListAsync(cancellationToken))
            {
                orphan.Fail("The app stopped while making this snapshot.", clock.GetUtcNow().UtcDateTime);
            }

            await db.SaveChangesAsync(cancellationToken);
        }

        Snapshot snapshot;
        PreviousSnapshot? previous;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var lastVersionId = await History.PublishedIds.LastAsync(db, cancellationToken);
            if (lastVersionId == 0)
            {
                return new SnapshotOutcome(null, null, "Nothing is published yet, so there is nothing to snapshot.");
            }

            previous = await PreviousAsync(db, cancellationToken);
            if (previous?.LastVersionId == lastVersionId)
            {
                return new SnapshotOutcome(previous.Id, SnapshotState.Published, "Nothing was published since the latest snapshot; it is still current.");
            }

            var lastBatchId = await db.Batches.Where(b => b.Status == BatchStatus.Published)
                .OrderByDescending(b => b.PublishedAtUtc).Select(b => (Guid?)b.Id).FirstOrDefaultAsync(cancellationToken);
            snapshot = Snapshot.Start(trigger, userId, lastVersionId, lastBatchId, clock.GetUtcNow().UtcDateTime);
            var (headId, headHash) = await chainer.HeadAsync(cancellationToken);
            snapshot.AnchorAuditChain(headId, headHash);
            db.Snapshots.Add(snapshot);
            await db.SaveChangesAsync(cancellationToken);
        }

        logger.LogInformation("Snapshot {SnapshotId} ({Trigger}) started up to version {VersionId}", snapshot.Id, trigger, snapshot.LastVersionId);
        try
        {
            var files = await GenerateFilesAsync(snapshot.LastVersionId, text => ReportAsync(snapshot.Id, text), cancellationToken);
            await ReportAsync(snapshot.Id, "Comparing with the previous snapshot");
            var changes = await SnapshotChangeReader.ReadAsync(dbFactory, previous?.LastVersionId ?? 0, snapshot.LastVersionId, cancellationToken);
            var statesFile = files.Single(f => f.Name == StatesDailyCsv);
            var catalog = await rows.CatalogAsync(cancellationToken);
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var mutedWarnings = await db.MutedWarnings.AsNoTracking()
                .Where(s => s.Rule == Domain.Quality.QcRule.CumulativeDecrease).ToListAsync(cancellationToken);
            var problems = SnapshotChecks.Problems(
                previous?.Facts,
                new SnapshotFacts(HeaderColumns(statesFile.Content), statesFile.Rows),
                catalog.StatesDailyColumns,
                changes.Decreases,
                mutedWarnings);

            var tracked = await db.Snapshots.SingleAsync(s => s.Id == snapshot.Id, cancellationToken);
            var (changelog, rowsAdded, cellsChanged) = SnapshotChangelog.Write(previous?.Id, changes, ChangelogListLimit);
            // PostgreSQL keeps microseconds: the signed manifest's time is the one stored.
            var finished = clock.GetUtcNow().UtcDateTime;
            finished = finished.AddTicks(-(finished.Ticks % 10));
            tracked.Finish(files, changelog, rowsAdded, cellsChanged, previous?.Id, problems, finished, made => SnapshotManifest.Sign(made, signingKeys));
            if (tracked.State != SnapshotState.Published)
            {
                alerts.Add(db, AlertQueue.SnapshotFailed, $":x: Snapshot {tracked.Id} ({trigger}) was refused by its checks and is not public: {tracked.Problems}");
            }

            await db.SaveChangesAsync(cancellationToken);
            alerts.Committed();
            logger.LogInformation("Snapshot {SnapshotId} {State}: {Problems}; signed by key {SigningKey}", tracked.Id, tracked.State, tracked.Problems ?? "all checks passed",
                tracked.SigningKey ?? "(none)");
            return new SnapshotOutcome(tracked.Id, tracked.State, tracked.State == SnapshotState.Published
                ? $"Snapshot published: {files.Count} files, {statesFile.Rows:#,0} state-days."
                : $"The snapshot was refused by its checks and is not public:\n{tracked.Problems}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Making snapshot {SnapshotId} failed", snapshot.Id);
            await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            var tracked = await db.Snapshots.SingleAsync(s => s.Id == snapshot.Id, CancellationToken.None);
            tracked.Fail($"Making the snapshot failed: {ex.Message}", clock.GetUtcNow().UtcDateTime);
            alerts.Add(db, AlertQueue.SnapshotFailed, $":x: Making snapshot {tracked.Id} ({trigger}) failed; nothing was published. {ex.Message}");
            await db.SaveChangesAsync(CancellationToken.None);
            alerts.Committed();
            return new SnapshotOutcome(snapshot.Id, SnapshotState.Failed, "Making the snapshot failed; nothing was published. The log has the details.");
        }
    }

    private async Task ReportAsync(Guid snapshotId, string progress)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var snapshot = await db.Snapshots.SingleAsync(s => s.Id == snapshotId);
        if (snapshot.State == SnapshotState.Making)
        {
            snapshot.Report(progress);
            await db.SaveChangesAsync();
        }
    }

    private sealed record PreviousSnapshot(Guid Id, long LastVersionId, SnapshotFacts Facts);

    private static async Task<PreviousSnapshot?> PreviousAsync(CovidEntryDbContext db, CancellationToken cancellationToken)
    {
        var latest = await db.Snapshots.AsNoTracking().Where(s => s.State == SnapshotState.Published)
            .OrderByDescending(s => s.LastVersionId).Select(s => new { s.Id, s.LastVersionId }).FirstOrDefaultAsync(cancellationToken);
        if (latest is null)
        {
            return null;
        }

        var rowCount = await db.SnapshotFiles.Where(f => f.SnapshotId == latest.Id && f.Name == StatesDailyCsv).Select(f => f.Rows).SingleAsync(cancellationToken);

        // The header is all the checks need: read the file's first bytes, not the whole file.
        var head = await db.Database.SqlQuery<byte[]>(
            $"""SELECT substring("Content" from 1 for 65536) AS "Value" FROM "SnapshotFiles" WHERE "SnapshotId" = {latest.Id} AND "Name" = {StatesDailyCsv}""")
            .SingleAsync(cancellationToken);
        return new PreviousSnapshot(latest.Id, latest.LastVersionId, new SnapshotFacts(HeaderColumns(head), rowCount));
    }

    private static IReadOnlyList<string> HeaderColumns(byte[] csv)
    {
        var text = Encoding.UTF8.GetString(csv, 0, Math.Min(csv.Length, 65536));
        var header = text.Split('\n')[0];
        return header.Split(',').Select(c => c.Trim('"')).ToList();
    }
}
