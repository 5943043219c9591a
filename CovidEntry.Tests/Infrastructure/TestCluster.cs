using CovidEntry.App.Data;
using Npgsql;

namespace CovidEntry.Tests.Infrastructure;

/// <summary>
/// One throwaway PostgreSQL cluster for the whole test run, started with the app's own launcher
/// in a fresh temp folder and removed when the test process exits. A template database is
/// migrated and seeded once; every test class gets its own clone of it.
/// </summary>
public static class TestCluster
{
    public const string TemplateDatabase = "covidentry_template";

    private static readonly SemaphoreSlim CloneLock = new(1, 1);
    private static readonly Lazy<Task<LocalPostgres>> Cluster = new(StartAsync);

    public static async Task<string> CreateDatabaseAsync(string prefix)
    {
        var cluster = await Cluster.Value;
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 60)].ToLowerInvariant();
        await CloneLock.WaitAsync();
        try
        {
            // Cloning needs the template to have no open connections.
            NpgsqlConnection.ClearAllPools();
            await cluster.CreateDatabaseIfMissingAsync(name, TemplateDatabase);
        }
        finally
        {
            CloneLock.Release();
        }

        return cluster.ConnectionStringFor(name);
    }

    public static async Task<LocalPostgres> ClusterAsync() => await Cluster.Value;

    private static async Task<LocalPostgres> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"covidentry-tests-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        var cluster = await LocalPostgres.StartAsync(Path.Combine(directory, "pg"));
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            cluster.StopAsync().GetAwaiter().GetResult();
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // test.sh removes what is left of test clusters after the run.
            }
        };

        await cluster.CreateDatabaseIfMissingAsync(TemplateDatabase);
        await using (var app = TestApp.Build(cluster.ConnectionStringFor(TemplateDatabase)))
        {
            await app.PrepareDatabaseAsync(migrate: true);
        }

        NpgsqlConnection.ClearAllPools();
        return cluster;
    }
}
