using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace CovidEntry.App.Data;

/// <summary>
/// A private PostgreSQL cluster made from the machine's PostgreSQL binaries: for <c>run.sh</c>
/// when no connection string is configured, and for the tests. It listens on loopback only.
/// initdb and postgres refuse to run as root, so as root every server command goes through
/// <c>runuser -u postgres</c> on a folder owned by postgres.
/// </summary>
public sealed class LocalPostgres : IAsyncDisposable
{
    public const string SuperUser = "covidentry";

    private readonly string _binDirectory;
    private readonly bool _asPostgresUser;
    private bool _stopped;

    private LocalPostgres(string clusterDirectory, string binDirectory, bool asPostgresUser, int port)
    {
        ClusterDirectory = clusterDirectory;
        _binDirectory = binDirectory;
        _asPostgresUser = asPostgresUser;
        Port = port;
    }

    public string ClusterDirectory { get; }
    public int Port { get; }

    public string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = SuperUser,
            Database = database,
            Pooling = true,
            IncludeErrorDetail = true,
        }.ConnectionString;

    /// <summary>Creates the cluster on first use, then starts it on a free loopback port.</summary>
    public static async Task<LocalPostgres> StartAsync(string clusterDirectory, CancellationToken cancellationToken = default)
    {
        var binDirectory = FindBinDirectory();
        var asPostgresUser = Environment.IsPrivilegedProcess;
        clusterDirectory = Path.GetFullPath(clusterDirectory);
        Directory.CreateDirectory(clusterDirectory);
        if (asPostgresUser)
        {
            await RunAsync("chown", ["-R", "postgres:postgres", clusterDirectory], cancellationToken);
            await RunAsync("chmod", ["700", clusterDirectory], cancellationToken);
        }

        var cluster = new LocalPostgres(clusterDirectory, binDirectory, asPostgresUser, FreeLoopbackPort());
        if (!File.Exists(Path.Combine(clusterDirectory, "PG_VERSION")))
        {
            await cluster.ServerToolAsync("initdb", ["-D", clusterDirectory, "-A", "trust", "-U", SuperUser, "-N", "-E", "UTF8", "--locale=C"], cancellationToken);
        }
        else if (File.Exists(Path.Combine(clusterDirectory, "postmaster.pid")))
        {
            // Left running by a process that was killed: stop it so it comes back on our port.
            await cluster.TryServerToolAsync("pg_ctl", ["-D", clusterDirectory, "stop", "-m", "fast", "-w"], cancellationToken);
        }

        var options = $"-p {cluster.Port} -k {clusterDirectory} -c listen_addresses=127.0.0.1 -F";
        await cluster.ServerToolAsync("pg_ctl", ["-D", clusterDirectory, "-o", options, "-l", Path.Combine(clusterDirectory, "server.log"), "-w", "-t", "60", "start"], cancellationToken);
        return cluster;
    }

    public async Task CreateDatabaseIfMissingAsync(string database, string? template = null, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionStringFor("postgres"));
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", database);
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
        {
            return;
        }

        var templateClause = template is null ? "" : $" TEMPLATE \"{template}\"";
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"{templateClause}", connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        NpgsqlConnection.ClearAllPools();
        await TryServerToolAsync("pg_ctl", ["-D", ClusterDirectory, "stop", "-m", "fast", "-w"], CancellationToken.None);
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>
    /// Where the cluster for a data folder lives: inside it, except when running as root with a
    /// data folder the postgres user cannot reach (such as one under /root); then under
    /// /var/lib/covidentry, named after the data folder so each data folder keeps its own cluster.
    /// </summary>
    public static string ClusterDirectoryFor(string dataDirectory)
    {
        var inside = Path.Combine(Path.GetFullPath(dataDirectory), "pg");
        if (!Environment.IsPrivilegedProcess || PostgresUserCanReach(dataDirectory))
        {
            return inside;
        }

        var name = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(inside)))[..16];
        return Path.Combine("/var/lib/covidentry", name, "pg");
    }

    private static bool PostgresUserCanReach(string directory)
    {
        Directory.CreateDirectory(directory);
        var check = Process.Start(new ProcessStartInfo("runuser", ["-u", "postgres", "--", "test", "-x", Path.GetFullPath(directory)]) { UseShellExecute = false });
        check!.WaitForExit();
        return check.ExitCode == 0;
    }

    public static string FindBinDirectory()
    {
        var configured = Environment.GetEnvironmentVariable("COVIDENTRY_PG_BIN");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Where(d => File.Exists(Path.Combine(d, "bin", "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var major) ? major : 0)
                .Select(d => Path.Combine(d, "bin"))
                .FirstOrDefault()
            : null;
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")));
        return installed ?? onPath ?? throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found. Install PostgreSQL 15 or newer "
            + "(Debian: apt-get install postgresql), set COVIDENTRY_PG_BIN to their folder, "
            + "or configure ConnectionStrings__Default to use an existing database.");
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Task ServerToolAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var executable = Path.Combine(_binDirectory, tool);
        return _asPostgresUser
            ? RunAsync("runuser", ["-u", "postgres", "--", executable, .. arguments], cancellationToken)
            : RunAsync(executable, arguments, cancellationToken);
    }

    private async Task TryServerToolAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        try
        {
            await ServerToolAsync(tool, arguments, cancellationToken);
        }
        catch (InvalidOperationException)
        {
            // Stopping a server that is not running is not an error worth failing for.
        }
    }

    private static async Task RunAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(fileName)} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}:\n{await output}\n{await error}");
        }
    }
}
