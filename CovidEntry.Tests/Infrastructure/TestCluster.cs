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

    /// <summary>
    /// The same database as <paramref name="connectionString"/> (on any cluster the tests started),
    /// signed in as <paramref name="role"/>: for a test that works behind the app's back, as someone
    /// with the owner's or the superuser's password could.
    /// </summary>
    public static string AsRole(string connectionString, DatabaseRole role)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return Started.TryGetValue(builder.Port, out var cluster)
            ? cluster.ConnectionStringFor(builder.Database!, role)
            : throw new InvalidOperationException($"No cluster started by the tests listens on port {builder.Port}.");
    }

    /// <summary>Remembers a cluster the tests started, so <see cref="AsRole"/> can sign in to it.</summary>
    public static void Register(LocalPostgres cluster) => Started[cluster.Port] = cluster;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, LocalPostgres> Started = new();

    private static async Task<LocalPostgres> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"covidentry-tests-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        var cluster = await LocalPostgres.StartAsync(directory, fastAndUnsafe: true);
        Register(cluster);
        CleanUpAfterThisProcess(cluster.ClusterDirectory, directory);
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
        await using (var app = TestApp.Build(cluster.ConnectionStringFor(TemplateDatabase), TestApp.MigrateAs(cluster.ConnectionStringFor(TemplateDatabase, DatabaseRole.Owner))))
        {
            await app.PrepareDatabaseAsync(migrate: true);
        }

        NpgsqlConnection.ClearAllPools();
        return cluster;
    }

    /// <summary>
    /// Stops the cluster and removes its folder once this process has ended, however it ends. The
    /// exit handler above is not enough: the test platform may end its test host before the handler
    /// has stopped the cluster, which left clusters running after benchmark runs. The watcher is
    /// started detached (<c>setsid -f</c>), so ending this process's tree does not end it.
    /// </summary>
    private static void CleanUpAfterThisProcess(string clusterDirectory, string directory)
    {
        const string Script = """
            exec </dev/null >/dev/null 2>&1
            while kill -0 "$1" 2>/dev/null; do sleep 2; done
            pid_file="$2/postmaster.pid"
            if [ -f "$pid_file" ]; then
                kill -INT "$(head -1 "$pid_file")" 2>/dev/null
                tries=0
                while [ -f "$pid_file" ] && [ $tries -lt 100 ]; do sleep 0.2; tries=$((tries + 1)); done
            fi
            rm -rf "$3"
            """;
        var start = new System.Diagnostics.ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])["-f", "sh", "-c", Script, "watch", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), clusterDirectory, directory])
        {
            start.ArgumentList.Add(argument);
        }

        using var watcher = System.Diagnostics.Process.Start(start)!;
        watcher.WaitForExit();
    }
}
