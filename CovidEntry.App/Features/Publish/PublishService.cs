using CovidEntry.App.Data;
using CovidEntry.App.Features.Access;
using CovidEntry.App.Features.Alerts;
using CovidEntry.App.Features.Audit;
using CovidEntry.App.Features.Diagnostics;
using CovidEntry.App.Shared;
using CovidEntry.Domain;
using CovidEntry.Domain.Batches;
using CovidEntry.Domain.History;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Publish;

public sealed record PublishResult(int VersionsWritten, int CellsUnchanged);

/// <summary>
/// Publishes a batch in one transaction: the versions, the latest table, the days it reports and
/// the batch (and its shift's) state are written together or not at all.
/// </summary>
public sealed class PublishService(IDbContextFactory<CovidEntryDbContext> dbFactory, AlertQueue alerts, ActingPerson acting, PublishPriority priority, TimeProvider clock,
    ILogger<PublishService> logger)
{
    public async Task<PublishResult> PublishShiftAsync(Guid shiftId, string userId, CancellationToken cancellationToken = default)
    {
        await acting.EnsureAsync(userId, Policies.RunShifts, cancellationToken);
        return await OnThreadOfItsOwn(() => Publish(userId, db => db.Shifts.Where(s => s.Id == shiftId).Select(s => (Guid?)s.BatchId).SingleOrDefault()
            ?? throw new DomainException("That shift does not exist.")), cancellationToken);
    }

    public async Task<PublishResult> PublishBatchAsync(Guid batchId, string userId, CancellationToken cancellationToken = default)
    {
        await acting.EnsureAsync(userId, Policies.RunShifts, cancellationToken);
        return await OnThreadOfItsOwn(() => Publish(userId, _ => batchId), cancellationToken);
    }

    /// <summary>
    /// A publish runs on a thread of its own with blocking I/O. While a shift is busy the thread
    /// pool's queue holds the circuits' work (dozens of items at a time on two cores), and an async
    /// publish waited behind that queue at every one of its round trips; a thread blocked on its
    /// socket is woken by the operating system as soon as PostgreSQL answers.
    /// </summary>
    private static Task<PublishResult> OnThreadOfItsOwn(Func<PublishResult> publish, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(publish, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private PublishResult Publish(string userId, Func<CovidEntryDbContext, Guid> batchOf)
    {
        using var activity = Telemetry.Source.StartActivity("publish batch");
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var collecting = GC.GetTotalPauseDuration();
        int[] collections = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        using var db = dbFactory.CreateDbContext();
        using var transaction = db.Database.BeginTransaction();
        db.Database.ExecuteSql($"SELECT pg_advisory_xact_lock({AdvisoryLocks.Publish})");

        // Holding the lock, this is the publish that runs: the public downloads give way until it commits.
        using var downloadsWait = priority.Publish();
        var batchId = batchOf(db);
        activity?.SetTag("covidentry.batch_id", batchId);

        // Read after taking the lock: a publish that waited sees the batch as the winner left it.
        // The batch's entries and passes are only read (to check and plan), so nothing tracks them.
        var batch = db.Batches.AsNoTracking()
            .Include(b => b.Entries).ThenInclude(e => e.Passes)
            .AsSplitQuery()
            .SingleOrDefault(b => b.Id == batchId)
            ?? throw new DomainException("That batch does not exist.");
        if (batch.WhyCannotPublish(userId) is { } reason)
        {
            throw new DomainException(reason);
        }

        var read = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        var now = clock.GetUtcNow().UtcDateTime;
        var values = batch.PublishedValues();
        var codes = values.Select(v => v.Key.JurisdictionCode).Distinct().ToList();
        var dates = values.Select(v => v.Key.DataDate).Distinct().ToList();
        var latest = (db.LatestValues.AsNoTracking()
                .Where(l => codes.Contains(l.JurisdictionCode) && dates.Contains(l.DataDate))
                .ToList())
            .ToDictionary(l => l.Cell);

        var versions = PublishPlanner.Plan(values, latest, batch.Id, userId, now);

        // Each entry is a day the jurisdiction reported, even with every value empty (docs/decisions/029).
        var reported = batch.ReportedDays().ToList();
        var reportedCodes = reported.Select(d => d.JurisdictionCode).Distinct().ToList();
        var reportedDates = reported.Select(d => d.DataDate).Distinct().ToList();
        var recorded = db.ReportedDays.AsNoTracking()
            .Where(r => reportedCodes.Contains(r.JurisdictionCode) && reportedDates.Contains(r.DataDate))
            .Select(r => new DayKey(r.JurisdictionCode, r.DataDate))
            .ToHashSet();
        var days = ReportedDay.Plan(reported, recorded, batch.Id, now);
        var entries = batch.Entries.ToDictionary(e => (e.JurisdictionCode, e.DataDate));
        foreach (var version in versions)
        {
            version.CiteScreenshot(entries.GetValueOrDefault((version.JurisdictionCode, version.DataDate))?.ScreenshotFor(version.MetricKey));
        }

        // The batch and its shift change through the change tracker (and so its audit events).
        batch.MarkPublished(userId, now);
        var tracked = db.Batches.Single(b => b.Id == batchId);
        db.Entry(tracked).CurrentValues.SetValues(batch);
        var shift = db.Shifts.SingleOrDefault(s => s.BatchId == batchId);
        shift?.MarkPublished();
        var publisher = db.Users.Where(u => u.Id == userId).Select(u => u.DisplayName).SingleOrDefault() ?? userId;
        alerts.Add(db, AlertQueue.Publish, batch.Kind == BatchKind.Daily
            ? $":white_check_mark: Published {shift?.Label ?? "a daily batch"}: {codes.Count} jurisdictions, {versions.Count:#,0} new values, by {publisher}."
            : $":pencil2: Published an edit batch for {batch.EditJurisdictionCode} ({batch.EditFrom:yyyy-MM-dd} to {batch.EditTo:yyyy-MM-dd}): {versions.Count:#,0} new values, by {publisher}. Note: {batch.Note}");
        var planned = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        // An edit batch's note is why its values changed.
        using (AuditContext.WithReason(batch.Note))
        {
            PublishedValues.Write(db, versions, latest, now);
            db.ReportedDays.AddRange(days);
            db.SaveChanges();

            // Exactly what this batch wrote, sealed into the audit chain (docs/decisions/031), by COPY.
            History.BatchManifests.Write(db, batch.Id, userId, now);
        }

        var saved = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        transaction.Commit();
        downloadsWait.Dispose();
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);

        // The whole app's pauses for garbage collection while this publish ran: how much of a slow
        // publish was the app's memory management rather than the publish or the database.
        var paused = GC.GetTotalPauseDuration() - collecting;

        // A collection of generation n counts in every generation up to n: each kind counted once.
        var gen2 = GC.CollectionCount(2) - collections[2];
        var gen1 = GC.CollectionCount(1) - collections[1] - gen2;
        var gen0 = GC.CollectionCount(0) - collections[0] - gen1 - gen2;
        var ephemeral = GC.GetGCMemoryInfo(GCKind.Ephemeral);
        var lastYoung = gen0 + gen1 > 0 && ephemeral.PauseDurations.Length > 0
            ? $"; the last, of generation {ephemeral.Generation}, kept {ephemeral.PromotedBytes / 1048576.0:0.0} MB and paused {ephemeral.PauseDurations[0].TotalMilliseconds:0} ms"
            : "";
        Telemetry.PublishDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("covidentry.batch_kind", batch.Kind.ToString()));
        alerts.Committed();

        logger.LogInformation("{Kind} batch {BatchId} published by {UserId}: {Versions} versions, {Unchanged} cells unchanged, in {ElapsedMs} ms (reading {ReadMs} ms, planning {PlanMs} ms, saving {SaveMs} ms, committing {CommitMs} ms); garbage collection paused the app {GcPauseMs} ms meanwhile ({Gen0} of generation 0, {Gen1} of 1, {Gen2} of 2{LastYoung}); the publish allocated {AllocatedMb:0.0} MB",
            batch.Kind, batch.Id, userId, versions.Count, values.Count - versions.Count, (long)elapsed.TotalMilliseconds,
            (long)read.TotalMilliseconds, (long)(planned - read).TotalMilliseconds, (long)(saved - planned).TotalMilliseconds, (long)(elapsed - saved).TotalMilliseconds,
            (long)paused.TotalMilliseconds, gen0, gen1, gen2, lastYoung, (GC.GetAllocatedBytesForCurrentThread() - allocated) / 1048576.0);
        return new PublishResult(versions.Count, values.Count - versions.Count);
    }
}

public static class PublishExtensions
{
    public static void AddPublish(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<PublishService>();
        builder.Services.AddSingleton<PublishPriority>();
    }
}
