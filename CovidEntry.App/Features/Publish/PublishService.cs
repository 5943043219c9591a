using CovidEntry.App.Data;
using CovidEntry.App.Features.Alerts;
using CovidEntry.App.Features.Audit;
using CovidEntry.App.Features.Diagnostics;
using CovidEntry.Domain;
using CovidEntry.Domain.Batches;
using CovidEntry.Domain.History;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Publish;

public sealed record PublishResult(int VersionsWritten, int CellsUnchanged);

/// <summary>
/// Publishes a batch in one transaction: the versions, the latest table and the batch (and its
/// shift's) state are written together or not at all.
/// </summary>
public sealed class PublishService(IDbContextFactory<CovidEntryDbContext> dbFactory, AlertQueue alerts, TimeProvider clock, ILogger<PublishService> logger)
{
    /// <summary>Serializes publishes across app instances, so the batch check and the latest table are never raced.</summary>
    public const long PublishLockKey = 0x0C0_71D_E417;

    public async Task<PublishResult> PublishShiftAsync(Guid shiftId, string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var batchId = await db.Shifts.Where(s => s.Id == shiftId).Select(s => (Guid?)s.BatchId).SingleOrDefaultAsync(cancellationToken)
            ?? throw new DomainException("That shift does not exist.");
        return await PublishBatchAsync(batchId, userId, cancellationToken);
    }

    public async Task<PublishResult> PublishBatchAsync(Guid batchId, string userId, CancellationToken cancellationToken = default)
    {
        using var activity = Telemetry.Source.StartActivity("publish batch")?.SetTag("covidentry.batch_id", batchId);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({PublishLockKey})", cancellationToken);

        // Read after taking the lock: a publish that waited sees the batch as the winner left it.
        var batch = await db.Batches
            .Include(b => b.Entries).ThenInclude(e => e.Passes)
            .AsSplitQuery()
            .SingleOrDefaultAsync(b => b.Id == batchId, cancellationToken)
            ?? throw new DomainException("That batch does not exist.");
        var shift = await db.Shifts.SingleOrDefaultAsync(s => s.BatchId == batchId, cancellationToken);
        if (batch.WhyCannotPublish(userId) is { } reason)
        {
            throw new DomainException(reason);
        }

        var read = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        var now = clock.GetUtcNow().UtcDateTime;
        var values = batch.Kind switch
        {
            BatchKind.Daily => batch.Entries
                .SelectMany(e => e.PublishableValues().Select(v => KeyValuePair.Create(new CellKey(e.JurisdictionCode, e.DataDate, v.Key), (Reading)v.Value)))
                .ToList(),
            BatchKind.Edit => batch.EditedValues().ToList(),
            _ => throw new DomainException("An import batch is published by its import."),
        };
        var codes = values.Select(v => v.Key.JurisdictionCode).Distinct().ToList();
        var dates = values.Select(v => v.Key.DataDate).Distinct().ToList();
        var latest = (await db.LatestValues
                .Where(l => codes.Contains(l.JurisdictionCode) && dates.Contains(l.DataDate))
                .ToListAsync(cancellationToken))
            .ToDictionary(l => l.Cell);

        var versions = PublishPlanner.Plan(values, latest, batch.Id, userId, now);
        var entries = batch.Entries.ToDictionary(e => (e.JurisdictionCode, e.DataDate));
        foreach (var version in versions)
        {
            version.CiteScreenshot(entries.GetValueOrDefault((version.JurisdictionCode, version.DataDate))?.ScreenshotFor(version.MetricKey));
        }

        db.ValueVersions.AddRange(versions);
        foreach (var version in versions)
        {
            if (latest.TryGetValue(version.Cell, out var current))
            {
                current.Apply(version);
            }
            else
            {
                db.LatestValues.Add(new LatestValue(version));
            }
        }

        batch.MarkPublished(userId, now);
        shift?.MarkPublished();
        var publisher = await db.Users.Where(u => u.Id == userId).Select(u => u.DisplayName).SingleOrDefaultAsync(cancellationToken) ?? userId;
        alerts.Add(db, AlertQueue.Publish, batch.Kind == BatchKind.Daily
            ? $":white_check_mark: Published {shift?.Label ?? "a daily batch"}: {codes.Count} jurisdictions, {versions.Count:#,0} new values, by {publisher}."
            : $":pencil2: Published an edit batch for {batch.EditJurisdictionCode} ({batch.EditFrom:yyyy-MM-dd} to {batch.EditTo:yyyy-MM-dd}): {versions.Count:#,0} new values, by {publisher}. Note: {batch.Note}");
        var planned = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        // An edit batch's note is why its values changed.
        using (AuditContext.WithReason(batch.Note))
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        var saved = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        await transaction.CommitAsync(cancellationToken);
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        Telemetry.PublishDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("covidentry.batch_kind", batch.Kind.ToString()));
        alerts.Committed();

        logger.LogInformation("{Kind} batch {BatchId} published by {UserId}: {Versions} versions, {Unchanged} cells unchanged, in {ElapsedMs} ms (reading {ReadMs} ms, planning {PlanMs} ms, saving {SaveMs} ms, committing {CommitMs} ms)",
            batch.Kind, batch.Id, userId, versions.Count, values.Count - versions.Count, (long)elapsed.TotalMilliseconds,
            (long)read.TotalMilliseconds, (long)(planned - read).TotalMilliseconds, (long)(saved - planned).TotalMilliseconds, (long)(elapsed - saved).TotalMilliseconds);
        return new PublishResult(versions.Count, values.Count - versions.Count);
    }
}

public static class PublishExtensions
{
    public static void AddPublish(this WebApplicationBuilder builder) => builder.Services.AddScoped<PublishService>();
}
