using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CovidEntry.App.Data;

/// <summary>
/// Ready means the database answers and has every migration this build expects: an instance on
/// an older schema would fail on the first save, so it should take no traffic yet.
/// </summary>
public sealed class DatabaseReadyCheck(IDbContextFactory<CovidEntryDbContext> dbFactory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            if (!await db.Database.CanConnectAsync(cancellationToken))
            {
                return HealthCheckResult.Unhealthy("The database does not answer.");
            }

            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            return pending.Count == 0
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"{pending.Count} migration(s) not applied, the first {pending[0]}: run ./run.sh migrate.");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The health check middleware logs the exception that comes with an unhealthy result.
            return HealthCheckResult.Unhealthy("The database could not be reached.", exception);
        }
    }
}
