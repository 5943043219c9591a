using Cronos;

namespace CovidEntry.App.Features.Snapshots;

/// <summary>
/// Makes the nightly snapshot on the schedule in <c>Snapshots:Schedule</c> (a cron expression in
/// UTC, default 03:00 every day). Every app instance runs this; the advisory lock in
/// <see cref="SnapshotService"/> lets exactly one of them make each snapshot.
/// </summary>
public sealed class SnapshotScheduler(IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider clock, ILogger<SnapshotScheduler> logger) : BackgroundService
{
    public const string DefaultSchedule = "0 3 * * *";

    /// <summary>
    /// The configured schedule: five fields (minute hour day month weekday), or six with seconds
    /// first, for tests and demonstrations that cannot wait a minute.
    /// </summary>
    public static CronExpression Schedule(IConfiguration configuration)
    {
        var expression = configuration["Snapshots:Schedule"] ?? DefaultSchedule;
        var withSeconds = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6;
        return CronExpression.Parse(expression, withSeconds ? CronFormat.IncludeSeconds : CronFormat.Standard);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var actor = Audit.AuditContext.BeginSystem("snapshot");
        if (!configuration.GetValue("Snapshots:Enabled", true))
        {
            logger.LogInformation("Scheduled snapshots are switched off (Snapshots:Enabled = false)");
            return;
        }

        var schedule = Schedule(configuration);
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow();
            var next = schedule.GetNextOccurrence(now.UtcDateTime, TimeZoneInfo.Utc);
            if (next is null)
            {
                return;
            }

            await Task.Delay(next.Value - now.UtcDateTime, clock, stoppingToken);
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var outcome = await scope.ServiceProvider.GetRequiredService<SnapshotService>().MakeAsync(SnapshotService.Scheduled, null, stoppingToken);
                logger.LogInformation("Scheduled snapshot: {Message}", outcome.Message);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The next night tries again; the admin dashboard shows the failed snapshot.
                logger.LogError(ex, "The scheduled snapshot failed");
            }
        }
    }
}

public static class SnapshotsExtensions
{
    public static void AddSnapshots(this WebApplicationBuilder builder)
    {
        // A bad cron expression stops the app at start, not silently at 3 a.m.
        SnapshotScheduler.Schedule(builder.Configuration);
        builder.Services.AddScoped<SnapshotService>();
        builder.Services.AddScoped<SnapshotQueries>();
        builder.Services.AddHostedService<SnapshotScheduler>();
    }
}
