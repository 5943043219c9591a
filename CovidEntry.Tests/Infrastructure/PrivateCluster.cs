using CovidEntry.App.Data;

namespace CovidEntry.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL cluster for one test class alone, so a test can crash it without breaking the
/// tests that share <see cref="TestCluster"/>. It holds one migrated database and comes back on
/// the same port after a crash, so the app's connection string stays valid.
/// </summary>
public sealed class PrivateCluster : IAsyncDisposable
{
    private const string Database = "covidentry";

    private readonly string _directory;
    private readonly LocalPostgres _cluster;

    private PrivateCluster(string directory, LocalPostgres cluster)
    {
        _directory = directory;
        _cluster = cluster;
    }

    /// <summary>The app role's connection string.</summary>
    public string ConnectionString => _cluster.ConnectionStringFor(Database);

    /// <summary>The owner role's, for a test that works on the database behind the app's back.</summary>
    public string OwnerConnectionString => _cluster.ConnectionStringFor(Database, DatabaseRole.Owner);

    public static async Task<PrivateCluster> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"covidentry-private-{Guid.NewGuid():N}"[..40]);
        var cluster = new PrivateCluster(directory, await LocalPostgres.StartAsync(directory, fastAndUnsafe: true));
        TestCluster.Register(cluster._cluster);
        await cluster._cluster.CreateDatabaseIfMissingAsync(Database);
        await using (var app = TestApp.Build(cluster.ConnectionString, TestApp.MigrateAs(cluster.OwnerConnectionString)))
        {
            await app.PrepareDatabaseAsync(migrate: true);
        }

        return cluster;
    }

    /// <summary>Stops the server as a crash would: every backend is killed, nothing is flushed or rolled back cleanly.</summary>
    public Task CrashAsync() => _cluster.CrashAsync();

    /// <summary>Starts the server again on its port; it replays its write-ahead log first, as after a power cut.</summary>
    public Task StartAgainAsync() => _cluster.StartAgainAsync();

    public async ValueTask DisposeAsync()
    {
        await _cluster.StopAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // test.sh removes what is left of test clusters after the run.
        }
    }
}
