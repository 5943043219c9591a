using System.Diagnostics;
using CovidEntry.App.Data;
using Npgsql;

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

    public string ConnectionString => _cluster.ConnectionStringFor(Database);

    public static async Task<PrivateCluster> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"covidentry-private-{Guid.NewGuid():N}"[..40]);
        var cluster = new PrivateCluster(directory, await LocalPostgres.StartAsync(Path.Combine(directory, "pg")));
        await cluster._cluster.CreateDatabaseIfMissingAsync(Database);
        await using (var app = TestApp.Build(cluster.ConnectionString))
        {
            await app.PrepareDatabaseAsync(migrate: true);
        }

        return cluster;
    }

    /// <summary>Stops the server as a crash would: every backend is killed, nothing is flushed or rolled back cleanly.</summary>
    public Task CrashAsync() => PgCtlAsync("stop", "-m", "immediate", "-w");

    /// <summary>Starts the server again on its port; it replays its write-ahead log first, as after a power cut.</summary>
    public Task StartAgainAsync() => PgCtlAsync(
        "-o", $"-p {_cluster.Port} -k {_cluster.ClusterDirectory} -c listen_addresses=127.0.0.1 -F",
        "-l", Path.Combine(_cluster.ClusterDirectory, "server.log"), "-w", "-t", "60", "start");

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

    private async Task PgCtlAsync(params string[] arguments)
    {
        var pgCtl = Path.Combine(LocalPostgres.FindBinDirectory(), "pg_ctl");
        var start = new ProcessStartInfo(Environment.IsPrivilegedProcess ? "runuser" : pgCtl)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        string[] all = ["-D", _cluster.ClusterDirectory, .. arguments];
        foreach (var argument in Environment.IsPrivilegedProcess ? ["-u", "postgres", "--", pgCtl, .. all] : all)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"pg_ctl {string.Join(' ', all)} failed: {await output}{await error}");
    }
}
