using CovidEntry.App.Data;
using CovidEntry.App.Features.Jurisdictions;
using CovidEntry.App.Features.Screenshots;
using CovidEntry.App.Shared;
using CovidEntry.Domain.Alerts;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Alerts;

public sealed record StalenessRow(string Code, string Name, TimeOnly? ExpectedUpdateUtc, DateOnly? LastPublishedDate, DateTime? LastPublishedAtUtc, StaleState State, string Description,
    IReadOnlyList<FailingSource> CaptureFailures);

/// <summary>Which jurisdictions are not published for a day, and the alert for those that are late.</summary>
public sealed class StalenessService(IDbContextFactory<CovidEntryDbContext> dbFactory, AlertQueue alerts, TimeProvider clock, ILogger<StalenessService> logger)
{
    public async Task<IReadOnlyList<StalenessRow>> ListAsync(DateOnly day, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await ListAsync(db, day, cancellationToken);
    }

    /// <summary>Queues one alert per overdue jurisdiction and day (never twice); returns the codes alerted now.</summary>
    public async Task<IReadOnlyList<string>> AlertOverdueAsync(CancellationToken cancellationToken = default)
    {
        if (!alerts.Enabled)
        {
            return [];
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        // One instance looks at a time, so two never queue the same alert.
        var locked = await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock({AdvisoryLocks.StalenessAlert}) AS \"Value\"").SingleAsync(cancellationToken);
        if (!locked)
        {
            return [];
        }

        var day = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var overdue = (await ListAsync(db, day, cancellationToken)).Where(r => r.State == StaleState.Overdue).ToList();
        var keys = overdue.Select(r => Key(r.Code, day)).ToList();
        var sent = await db.WebhookMessages.Where(m => keys.Contains(m.DedupeKey!)).Select(m => m.DedupeKey).ToListAsync(cancellationToken);
        var fresh = overdue.Where(r => !sent.Contains(Key(r.Code, day))).ToList();
        foreach (var row in fresh)
        {
            var last = row.LastPublishedDate is { } date ? $"last published for {date:yyyy-MM-dd}" : "never published";
            alerts.Add(db, AlertQueue.Stale, $":hourglass: {row.Code} ({row.Name}) is overdue for {day:yyyy-MM-dd}: it usually updates at {row.ExpectedUpdateUtc:HH:mm} UTC and is {last}.", Key(row.Code, day));
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (fresh.Count > 0)
        {
            alerts.Committed();
            logger.LogInformation("Staleness alert queued for {Jurisdictions}", string.Join(", ", fresh.Select(r => r.Code)));
        }

        return fresh.Select(r => r.Code).ToList();
    }

    private async Task<IReadOnlyList<StalenessRow>> ListAsync(CovidEntryDbContext db, DateOnly day, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var failing = (await CaptureDashboardService.FailingAsync(db, cancellationToken)).ToLookup(f => f.JurisdictionCode);
        return (await JurisdictionService.RowsAsync(db, cancellationToken)).Select(r =>
        {
            var facts = new StalenessFacts(r.Code, day, r.ExpectedUpdateUtc, r.LastPublishedDate);
            var state = Staleness.Of(facts, now);
            return new StalenessRow(r.Code, r.Name, r.ExpectedUpdateUtc, r.LastPublishedDate, r.LastPublishedAtUtc, state, Staleness.Describe(state, facts),
                failing[r.Code].ToList());
        }).ToList();
    }

    private static string Key(string code, DateOnly day) => $"stale:{code}:{day:yyyy-MM-dd}";
}

/// <summary>Looks for overdue jurisdictions every <see cref="AlertSettings.StalenessCheckMinutes"/> minutes.</summary>
public sealed class StalenessMonitor(IServiceScopeFactory scopes, Microsoft.Extensions.Options.IOptions<AlertSettings> settings, ILogger<StalenessMonitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var actor = Audit.AuditContext.BeginSystem("staleness");
        var minutes = settings.Value.StalenessCheckMinutes;
        if (minutes <= 0 || !settings.Value.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(minutes));
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<StalenessService>().AlertOverdueAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Looking for overdue jurisdictions failed; trying again in {Minutes} minutes", minutes);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
