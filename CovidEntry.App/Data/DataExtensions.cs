using CovidEntry.App.Data.Seeding;
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
    /// private PostgreSQL cluster under the data folder (or, with <paramref name="shareCluster"/>,
    /// uses the one an app already runs there) and stops it when the app stops if it started it.
    /// </summary>
    /// <returns>The private cluster, if one is used, for the caller to stop if the app never starts.</returns>
    public static LocalPostgres? AddData(this WebApplicationBuilder builder, bool shareCluster = false)
    {
        LocalPostgres? cluster = null;
        var connectionString = builder.Configuration.GetConnectionString("Default");
        string? keysFolder = null;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            if (!builder.Configuration.GetValue("Database:PrivateCluster", true))
            {
                // The container image has no PostgreSQL server of its own: it must be told where the database is.
                throw new CannotStartException(
                    "No database is configured: set ConnectionStrings__Default to a PostgreSQL 15+ connection string for the app's role "
                    + "(for example Host=db;Database=covidentry;Username=covidentry_app;Password=...) and ConnectionStrings__Migrations to the owner role's.");
            }

            var dataDirectory = DataDirectory(builder.Configuration);
            cluster = LocalPostgres.StartAsync(dataDirectory, shareCluster ? ClusterUse.Shared : ClusterUse.Exclusive).GetAwaiter().GetResult();
            try
            {
                cluster.CreateDatabaseIfMissingAsync(LocalPostgres.DefaultDatabase).GetAwaiter().GetResult();
            }
            catch
            {
                cluster.StopAsync().GetAwaiter().GetResult();
                throw;
            }

            connectionString = cluster.ConnectionStringFor(LocalPostgres.DefaultDatabase);
            builder.Configuration["ConnectionStrings:Default"] = connectionString;
            builder.Configuration["ConnectionStrings:Migrations"] = cluster.ConnectionStringFor(LocalPostgres.DefaultDatabase, DatabaseRole.Owner);
            PrivateFiles.WriteSecretFile(Path.Combine(cluster.DataDirectory, "connection-string"), connectionString + "\n");
            keysFolder = cluster.DataDirectory;
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
        builder.Services.AddEncryptedKeyRing(KeyRingEncryption.ReadKeys(builder.Configuration, keysFolder));
        AddAuditKeys(builder, keysFolder);

        // The snapshot signing key, outside the database too (docs/decisions/028).
        builder.Services.AddSingleton(Features.Snapshots.SnapshotSigningKeys.FromSettings(builder.Configuration, keysFolder));
        builder.Services.AddHealthChecks()
            .AddCheck("process", () => HealthCheckResult.Healthy(), tags: [LiveTag])
            .AddCheck<DatabaseReadyCheck>("database", tags: [ReadyTag]);
        builder.Services.AddScoped<DatabaseSeeder>();
        return cluster;
    }

    /// <summary>
    /// The audit trail's key and head log, both outside the database (docs/decisions/030): in the
    /// data folder for the private cluster, where settings say otherwise.
    /// </summary>
    private static void AddAuditKeys(WebApplicationBuilder builder, string? keysFolder)
    {
        builder.Services.AddSingleton(new Features.Audit.AuditKeys(KeyRingKeys.FromSettings(
            builder.Configuration, Features.Audit.AuditKeys.Section, Features.Audit.AuditKeys.DefaultFileName, keysFolder, "the audit trail's seals")));
        var headLog = builder.Configuration[Features.Audit.AuditHeadLog.Setting];
        if (string.IsNullOrWhiteSpace(headLog))
        {
            headLog = keysFolder is not null
                ? Path.Combine(keysFolder, Features.Audit.AuditHeadLog.DefaultFileName)
                : throw new CannotStartException(
                    "No head log for the audit trail is configured: set Audit__HeadLog to a file outside the database (a volume the database backups do not hold), "
                    + "where the app appends each sealed head of the audit chain; audit-verify compares the chain with it.");
        }

        builder.Services.AddSingleton(services => new Features.Audit.AuditHeadLog(headLog, services.GetRequiredService<ILogger<Features.Audit.AuditHeadLog>>()));
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
        var appConnection = app.Configuration.GetConnectionString("Default")!;
        if (migrate || app.Configuration.GetValue("Database:MigrateOnStartup", false))
        {
            await DatabaseRoles.MigrateAsync(app.Services, app.Configuration.GetConnectionString("Migrations") ?? appConnection, appConnection);
        }

        // The app refuses to run with more power over the database than it needs (docs/decisions/019).
        await DatabaseRoles.CheckAppRoleAsync(appConnection);
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
