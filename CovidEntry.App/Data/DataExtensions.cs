using CovidEntry.App.Data.Seeding;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Data;

public static class DataExtensions
{
    private const string LiveTag = "live";
    private const string ReadyTag = "ready";

    /// <summary>
    /// Registers the database. With no <c>ConnectionStrings:Default</c> the app starts its own
    /// private PostgreSQL cluster under the data folder and stops it when the app stops.
    /// </summary>
    public static void AddData(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("Default");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            if (!builder.Configuration.GetValue("Database:PrivateCluster", true))
            {
                // The container image has no PostgreSQL server of its own: it must be told where the database is.
                throw new InvalidOperationException(
                    "No database is configured: set ConnectionStrings__Default to a PostgreSQL 15+ connection string "
                    + "(for example Host=db;Database=covidentry;Username=covidentry;Password=...).");
            }

            var dataDirectory = DataDirectory(builder.Configuration);
            var cluster = LocalPostgres.StartAsync(LocalPostgres.ClusterDirectoryFor(dataDirectory)).GetAwaiter().GetResult();
            cluster.CreateDatabaseIfMissingAsync("covidentry").GetAwaiter().GetResult();
            connectionString = cluster.ConnectionStringFor("covidentry");
            File.WriteAllText(Path.Combine(dataDirectory, "connection-string"), connectionString + "\n");
            builder.Services.AddSingleton(cluster);
            builder.Services.AddHostedService<LocalPostgresLifetime>();

            // A private cluster belongs to this app alone, so it is always brought up to date.
            builder.Configuration["Database:MigrateOnStartup"] = "true";
        }

        // Every save writes its audit events in the same transaction (Features/Audit).
        builder.Services.AddSingleton<Features.Audit.AuditInterceptor>();
        builder.Services.AddDbContextFactory<CovidEntryDbContext>((services, options) => options
            .UseNpgsql(connectionString)
            .AddInterceptors(services.GetRequiredService<Features.Audit.AuditInterceptor>()));
        builder.Services.AddDataProtection()
            .SetApplicationName("CovidEntry")
            .PersistKeysToDbContext<CovidEntryDbContext>();
        builder.Services.AddHealthChecks()
            .AddCheck("process", () => HealthCheckResult.Healthy(), tags: [LiveTag])
            .AddCheck<DatabaseReadyCheck>("database", tags: [ReadyTag]);
        builder.Services.AddScoped<DatabaseSeeder>();
    }

    public static string DataDirectory(IConfiguration configuration)
    {
        var configured = configuration["COVIDENTRY_DATA_DIR"];
        var directory = string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share", "covidentry")
            : configured;
        Directory.CreateDirectory(directory);
        return Path.GetFullPath(directory);
    }

    /// <summary>Applies migrations (when switched on) and the idempotent seeds.</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app, bool migrate = false)
    {
        try
        {
            using (Features.Audit.AuditContext.BeginSystem("seed"))
            {
                await MigrateAndSeedAsync(app, migrate);
            }
        }
        catch
        {
            // The app will not start: do not leave its private cluster running behind it.
            if (app.Services.GetService<LocalPostgres>() is { } cluster)
            {
                await cluster.StopAsync();
            }

            throw;
        }
    }

    private static async Task MigrateAndSeedAsync(WebApplication app, bool migrate)
    {
        await using var scope = app.Services.CreateAsyncScope();
        if (migrate || app.Configuration.GetValue("Database:MigrateOnStartup", false))
        {
            var factory = scope.ServiceProvider.GetRequiredService<IDbContextFactory<CovidEntryDbContext>>();
            await using var db = await factory.CreateDbContextAsync();
            await db.Database.MigrateAsync();
        }

        await scope.ServiceProvider.GetRequiredService<DatabaseSeeder>().SeedAsync();
    }

    public static void MapData(this WebApplication app)
    {
        // Liveness must not depend on the database: a restart does not bring a database back,
        // so an orchestrator that restarted on a database outage would only add to it.
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) }).AllowAnonymous();
        app.MapHealthChecks("/healthz/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = WriteSentencesAsync,
        }).AllowAnonymous();
    }

    /// <summary>The status, then each check's own sentence, so whoever reads the probe learns what to do.</summary>
    private static Task WriteSentencesAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        var reasons = report.Entries.Values.Select(e => e.Description).Where(d => !string.IsNullOrEmpty(d));
        return context.Response.WriteAsync(string.Join('\n', reasons.Prepend(report.Status.ToString())));
    }
}

/// <summary>Stops the private cluster when the app stops.</summary>
internal sealed class LocalPostgresLifetime(LocalPostgres cluster) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => cluster.StopAsync();
}
