using CovidEntry.App.Data;
using CovidEntry.App.Features.Audit;
using CovidEntry.Domain.Audit;
using CovidEntry.Domain.Screenshots;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CovidEntry.App.Features.Screenshots;

/// <summary>
/// Creates the scheduled capture jobs as their times come and runs pending jobs, at most
/// <see cref="ScreenshotSettings.MaxConcurrentCaptures"/> at once. Jobs live in PostgreSQL and are
/// leased with SKIP LOCKED, so several app instances share them without running one twice, and a
/// job left running by a stopped instance is taken up again once its lease runs out.
/// </summary>
public sealed class CaptureWorker(
    IDbContextFactory<CovidEntryDbContext> dbFactory,
    CaptureService captures,
    IOptions<ScreenshotSettings> settings,
    TimeProvider clock,
    ILogger<CaptureWorker> logger) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0);
    private DateTime _scheduledAtUtc = DateTime.MinValue;
    private readonly List<Task> _running = [];

    /// <summary>Looks for work now instead of at the next poll (after "capture now").</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var actor = Audit.AuditContext.BeginSystem("capture");
        var options = settings.Value;
        if (!options.CaptureEnabled)
        {
            logger.LogInformation("Screenshot capture is off on this instance (Screenshots:CaptureEnabled)");
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                _running.RemoveAll(t => t.IsCompleted);
                // Capture times are minutes of the day: looking once a minute is enough, not at every poll.
                var now = clock.GetUtcNow().UtcDateTime;
                if (now - _scheduledAtUtc >= TimeSpan.FromMinutes(1))
                {
                    await ScheduleDueAsync(stoppingToken);
                    _scheduledAtUtc = now;
                }

                var free = options.MaxConcurrentCaptures - _running.Count;
                if (free > 0)
                {
                    foreach (var jobId in await ClaimAsync(free, options.Lease, stoppingToken))
                    {
                        _running.Add(RunAsync(jobId, stoppingToken));
                    }
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The database may be down for a moment; the next round tries again.
                logger.LogError(ex, "Looking for capture work failed");
            }

            try
            {
                var finished = _running.Count > 0 ? Task.WhenAny(_running) : Task.Delay(Timeout.Infinite, stoppingToken);
                await Task.WhenAny(finished, _wake.WaitAsync(options.PollInterval, stoppingToken));
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await Task.WhenAll(_running.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
    }

    /// <summary>Adds a job for every source whose latest capture time has no job yet.</summary>
    public async Task<int> ScheduleDueAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var sources = (await db.Jurisdictions.AsNoTracking().SelectMany(j => j.Sources.Select(s => new { j.Code, Source = s })).ToListAsync(cancellationToken))
            .Select(x => (x.Code, x.Source.Id, Slot: CaptureSchedule.LatestSlot(x.Source.Capture.TimesUtc, now)))
            .Where(x => x.Slot is not null)
            .ToList();
        if (sources.Count == 0)
        {
            return 0;
        }

        var ids = sources.Select(s => s.Id).ToList();
        var since = now.AddDays(-2);
        var existing = (await db.CaptureJobs.Where(j => ids.Contains(j.SourceId) && j.SlotUtc != null && j.SlotUtc > since)
                .Select(j => new { j.SourceId, j.SlotUtc }).ToListAsync(cancellationToken))
            .Select(j => (j.SourceId, j.SlotUtc!.Value)).ToHashSet();
        var due = sources.Where(s => !existing.Contains((s.Id, s.Slot!.Value))).ToList();
        if (due.Count == 0)
        {
            return 0;
        }

        db.CaptureJobs.AddRange(due.Select(s => CaptureJob.Scheduled(s.Code, s.Id, s.Slot!.Value, now)));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            // Another instance scheduled the same slots a moment ago: they are taken care of.
            return 0;
        }

        logger.LogInformation("Scheduled {Count} captures", due.Count);
        return due.Count;
    }

    private async Task<List<Guid>> ClaimAsync(int count, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var leaseUntil = now + lease;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var ids = await db.Database.SqlQuery<Guid>($"""
            UPDATE "CaptureJobs" SET "LeaseUntilUtc" = {leaseUntil}, "State" = 'Running'
            WHERE "Id" IN (
                SELECT "Id" FROM "CaptureJobs"
                WHERE "State" = 'Pending' OR ("State" = 'Running' AND "LeaseUntilUtc" < {now})
                ORDER BY "RequestedAtUtc" LIMIT {count} FOR UPDATE SKIP LOCKED)
            RETURNING "Id" AS "Value"
            """).ToListAsync(cancellationToken);

        // A raw UPDATE passes the interceptor by: the lease is recorded here.
        await AuditLog.RecordRowsAsync<CaptureJob>(db, AuditAction.Update, ids.Select(id => (string?)id.ToString()).ToList(),
            [new FieldChange(nameof(CaptureJob.State), null, "Running"), new FieldChange("LeaseUntilUtc", null, leaseUntil.ToString("O", System.Globalization.CultureInfo.InvariantCulture))],
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ids;
    }

    private async Task RunAsync(Guid jobId, CancellationToken cancellationToken)
    {
        try
        {
            await captures.RunAsync(jobId, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Capture job {JobId} stopped with an error; its lease runs out and it is tried again", jobId);
        }
    }
}
