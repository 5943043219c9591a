using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Npgsql;

namespace CovidEntry.App.Data;

/// <summary>
/// A private PostgreSQL cluster made from the machine's PostgreSQL binaries: for <c>run.sh</c> when
/// no connection string is configured, and for the tests. It is as closed as a production server
/// (docs/decisions/019): password authentication (SCRAM) for every connection, random passwords
/// kept in a 0600 file of the data folder, its socket in a private folder, TCP on 127.0.0.1 only,
/// and three roles: a superuser that only makes databases and roles, the owner that migrations run
/// as, and the app's role, which is neither. initdb and postgres refuse to run as root, so as root
/// every server command goes through <c>runuser -u postgres</c>.
/// </summary>
public sealed class LocalPostgres : IAsyncDisposable
{
    public const string DefaultDatabase = "covidentry";
    public const string OwnerRole = "covidentry_owner";
    public const string AppRole = "covidentry_app";

    /// <summary>The superuser of a new cluster.</summary>
    public const string SuperUser = "postgres";

    /// <summary>The superuser of clusters made before passwords, which trusted every local connection.</summary>
    private const string LegacySuperUser = "covidentry";

    private const string LockFileName = "cluster.lock";

    private readonly string _binDirectory;
    private readonly bool _asPostgresUser;
    private DatabaseSecrets _secrets = null!;
    private readonly bool _fastAndUnsafe;
    private FileStream? _ownership;
    private bool _stopped;

    private LocalPostgres(string dataDirectory, string clusterDirectory, string binDirectory, bool asPostgresUser, bool fastAndUnsafe)
    {
        DataDirectory = dataDirectory;
        ClusterDirectory = clusterDirectory;
        SocketDirectory = Path.Combine(Path.GetDirectoryName(clusterDirectory)!, "pg-socket");
        _binDirectory = binDirectory;
        _asPostgresUser = asPostgresUser;
        _fastAndUnsafe = fastAndUnsafe;
    }

    /// <summary>The folder of the cluster's secrets (and, for the app, its keys and connection string).</summary>
    public string DataDirectory { get; }

    public string ClusterDirectory { get; }

    /// <summary>Where the server's Unix socket is: a folder only the server's user can enter.</summary>
    public string SocketDirectory { get; }

    public int Port { get; private set; }

    /// <summary>Whether this process started the server (or took over one left by a process that died), and so stops it.</summary>
    public bool OwnsServer => _ownership is not null;

    public string ConnectionStringFor(string database, DatabaseRole role = DatabaseRole.App)
    {
        var (user, password) = role switch
        {
            DatabaseRole.App => (AppRole, _secrets.AppPassword),
            DatabaseRole.Owner => (OwnerRole, _secrets.OwnerPassword),
            _ => (_secrets.SuperUser, _secrets.SuperUserPassword),
        };
        return new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = user,
            Password = password,
            Database = database,
            Pooling = true,
            IncludeErrorDetail = true,
        }.ConnectionString;
    }

    /// <summary>
    /// Starts the cluster of <paramref name="dataDirectory"/> (made on first use), or uses the one
    /// already running there. A server that another live process started is used but never stopped
    /// by this one; with <paramref name="use"/> <see cref="ClusterUse.Exclusive"/> it is refused
    /// instead. <paramref name="fastAndUnsafe"/> turns off fsync (tests only: a power cut could lose
    /// what was written).
    /// </summary>
    public static async Task<LocalPostgres> StartAsync(string dataDirectory, ClusterUse use = ClusterUse.Exclusive,
        bool fastAndUnsafe = false, CancellationToken cancellationToken = default)
    {
        var asPostgresUser = Environment.IsPrivilegedProcess;
        dataDirectory = PrivateFiles.PrepareDataDirectory(dataDirectory, asPostgresUser);
        var cluster = new LocalPostgres(dataDirectory, ClusterDirectoryFor(dataDirectory), FindBinDirectory(), asPostgresUser, fastAndUnsafe);
        await cluster.StartOrJoinAsync(use, cancellationToken);
        return cluster;
    }

    /// <summary>Makes a database owned by the owner role that only the owner and the app's role may connect to.</summary>
    public async Task CreateDatabaseIfMissingAsync(string database, string? template = null, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionStringFor("postgres", DatabaseRole.Super));
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", database);
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
        {
            return;
        }

        var name = Quote(database);
        var templateClause = template is null ? "" : $" TEMPLATE {Quote(template)}";
        await ExecuteAsync(connection, cancellationToken,
            $"CREATE DATABASE {name} OWNER {OwnerRole}{templateClause}",
            $"REVOKE ALL ON DATABASE {name} FROM PUBLIC",
            $"GRANT CONNECT, TEMPORARY ON DATABASE {name} TO {AppRole}");
    }

    /// <summary>Stops the server if this process owns it; a server another process started is left running.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        NpgsqlConnection.ClearAllPools();
        if (_ownership is null)
        {
            return;
        }

        try
        {
            await TryServerToolAsync("pg_ctl", ["-D", ClusterDirectory, "stop", "-m", "fast", "-w"], CancellationToken.None);
        }
        finally
        {
            await _ownership.DisposeAsync();
            _ownership = null;
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>Starts the server again on its port after it stopped (a test's crash); it replays its log first.</summary>
    public Task StartAgainAsync(CancellationToken cancellationToken = default) => StartServerAsync(Port, cancellationToken);

    /// <summary>Stops the server as a crash would: every backend killed, nothing flushed or rolled back cleanly.</summary>
    public Task CrashAsync(CancellationToken cancellationToken = default) =>
        ServerToolAsync("pg_ctl", ["-D", ClusterDirectory, "stop", "-m", "immediate", "-w"], cancellationToken);

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

        var name = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(inside)))[..16];
        return Path.Combine("/var/lib/covidentry", name, "pg");
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
        return installed ?? onPath ?? throw new CannotStartException(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found. Install PostgreSQL 15 or newer "
            + "(Debian: apt-get install postgresql), set COVIDENTRY_PG_BIN to their folder, "
            + "or configure ConnectionStrings__Default to use an existing database.");
    }

    private async Task StartOrJoinAsync(ClusterUse use, CancellationToken cancellationToken)
    {
        // The process that starts the server holds this lock until it ends, however it ends (the
        // kernel drops it when the process dies), so "the server's starter is still alive" is a
        // question the lock answers without trusting a pid file.
        var ownership = PrivateFiles.TryLock(Path.Combine(DataDirectory, LockFileName));
        if (ownership is null)
        {
            // The owner wrote the passwords before it started the server.
            await JoinAsync(use, cancellationToken);
            _secrets = DatabaseSecrets.LoadOrCreate(DataDirectory);
            return;
        }

        try
        {
            _ownership = ownership;
            if (!DatabaseSecrets.ExistIn(DataDirectory) && File.Exists(Path.Combine(ClusterDirectory, "PG_VERSION")) && !IsLegacyTrustCluster(ClusterDirectory))
            {
                // A cluster with passwords whose passwords are gone: nobody can sign in to it any more.
                throw new CannotStartException(
                    $"The database in {DataDirectory} exists but its passwords ({DatabaseSecrets.FileName}) are missing: restore that file from a backup of the data folder.");
            }

            _secrets = DatabaseSecrets.LoadOrCreate(DataDirectory);
            PrepareClusterDirectory();
            if (!File.Exists(Path.Combine(ClusterDirectory, "PG_VERSION")))
            {
                await InitializeAsync(cancellationToken);
            }
            else if (RunningPort() is { } orphanPort)
            {
                // Started by a process that died without stopping it: this process takes it over.
                Port = orphanPort;
            }

            if (IsLegacyTrustCluster(ClusterDirectory))
            {
                await SecureLegacyClusterAsync(cancellationToken);
            }

            if (Port == 0)
            {
                await StartServerAsync(FreeLoopbackPort(), cancellationToken);
            }

            await EnsureRolesAsync(cancellationToken);
        }
        catch
        {
            // Whatever was started here is stopped here: a failed start leaves nothing running.
            await TryServerToolAsync("pg_ctl", ["-D", ClusterDirectory, "stop", "-m", "fast", "-w"], CancellationToken.None);
            await ownership.DisposeAsync();
            _ownership = null;
            throw;
        }
    }

    /// <summary>Another live process owns the server: use it (never stop it), or refuse.</summary>
    private async Task JoinAsync(ClusterUse use, CancellationToken cancellationToken)
    {
        if (use == ClusterUse.Exclusive)
        {
            throw new CannotStartException(
                $"Another CovidEntry is already running on the data folder {DataDirectory} (its database is in use). "
                + "Stop it first, or set COVIDENTRY_DATA_DIR to another folder. Admin commands (migrate, import-ctp, audit-verify) may run beside it.");
        }

        // The owner may still be starting the server: wait for it to answer.
        var deadline = Stopwatch.StartNew();
        int? running;
        while ((running = RunningPort()) is null)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new CannotStartException(
                    $"The database of {DataDirectory} is held by another process but did not start within a minute: stop that process and try again.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }

        Port = running.Value;
    }

    private void PrepareClusterDirectory()
    {
        var parent = Path.GetDirectoryName(ClusterDirectory)!;
        Directory.CreateDirectory(parent);
        if (!Directory.Exists(ClusterDirectory))
        {
            Directory.CreateDirectory(ClusterDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        if (!Directory.Exists(SocketDirectory))
        {
            Directory.CreateDirectory(SocketDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        File.SetUnixFileMode(SocketDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (_asPostgresUser)
        {
            PrivateFiles.GiveToPostgres(ClusterDirectory, recursive: !File.Exists(Path.Combine(ClusterDirectory, "PG_VERSION")));
            PrivateFiles.GiveToPostgres(SocketDirectory, recursive: false);
        }
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        // initdb reads the superuser's password from a file; it must be readable by the server's
        // user and nobody else, and it is removed as soon as initdb is done.
        var folder = Directory.CreateTempSubdirectory("covidentry-initdb-");
        try
        {
            var passwordFile = Path.Combine(folder.FullName, "password");
            PrivateFiles.WriteSecretFile(passwordFile, _secrets.SuperUserPassword + "\n");
            if (_asPostgresUser)
            {
                PrivateFiles.GiveToPostgres(folder.FullName, recursive: true);
            }

            await ServerToolAsync("initdb",
            [
                "-D", ClusterDirectory, "--auth=scram-sha-256", "--pwfile=" + passwordFile, "-U", _secrets.SuperUser,
                "-E", "UTF8", "--locale=C", .. _fastAndUnsafe ? (string[])["-N"] : [],
            ], cancellationToken);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private async Task StartServerAsync(int port, CancellationToken cancellationToken)
    {
        Port = port;
        var options = string.Join(' ',
            $"-p {port}",
            "-c listen_addresses=127.0.0.1",
            $"-c unix_socket_directories={SocketDirectory}",
            "-c unix_socket_permissions=0700",
            _fastAndUnsafe ? "-F" : "");
        await ServerToolAsync("pg_ctl",
            ["-D", ClusterDirectory, "-o", options, "-l", Path.Combine(ClusterDirectory, "server.log"), "-w", "-t", "60", "start"],
            cancellationToken);
    }

    /// <summary>The port of the server running on this cluster, or null when none is.</summary>
    private int? RunningPort()
    {
        var pidFile = Path.Combine(ClusterDirectory, "postmaster.pid");
        string[] lines;
        try
        {
            lines = File.ReadAllLines(pidFile);
        }
        catch (IOException)
        {
            return null;
        }

        // Line 1 is the postmaster's pid, line 4 its port (PostgreSQL's documented pid-file layout);
        // a pid file whose process is gone was left by a crash and means nothing.
        if (lines.Length < 4 || !int.TryParse(lines[0], CultureInfo.InvariantCulture, out var pid)
            || !int.TryParse(lines[3], CultureInfo.InvariantCulture, out var port) || !ProcessIsAlive(pid))
        {
            return null;
        }

        return port;
    }

    private static bool ProcessIsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Creates the owner and app roles when missing and sets their passwords to the ones in the secrets file.</summary>
    private async Task EnsureRolesAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionStringFor("postgres", DatabaseRole.Super));
        await connection.OpenAsync(cancellationToken);
        await EnsureRoleAsync(connection, OwnerRole, _secrets.OwnerPassword, cancellationToken);
        await EnsureRoleAsync(connection, AppRole, _secrets.AppPassword, cancellationToken);
    }

    private static async Task EnsureRoleAsync(NpgsqlConnection connection, string role, string password, CancellationToken cancellationToken)
    {
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_roles WHERE rolname = @role", connection);
        exists.Parameters.AddWithValue("role", role);
        var verb = await exists.ExecuteScalarAsync(cancellationToken) is null ? "CREATE" : "ALTER";

        // Neither role may make roles or databases, be a superuser, or run programs on the server.
        await ExecuteAsync(connection, cancellationToken,
            $"{verb} ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD {Literal(password)}");
    }

    private static bool IsLegacyTrustCluster(string clusterDirectory)
    {
        var hba = Path.Combine(clusterDirectory, "pg_hba.conf");
        return File.Exists(hba) && File.ReadLines(hba)
            .Select(line => line.Split('#', 2)[0])
            .Any(line => line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries).LastOrDefault() == "trust");
    }

    /// <summary>
    /// A cluster made by an earlier CovidEntry trusted every local connection and let the app run
    /// as its superuser. Its data is kept: the server is started on its private socket alone, the
    /// superuser gets a password, the app's tables move to the owner role, and every connection
    /// then needs a password.
    /// </summary>
    private async Task SecureLegacyClusterAsync(CancellationToken cancellationToken)
    {
        if (Port != 0)
        {
            await ServerToolAsync("pg_ctl", ["-D", ClusterDirectory, "stop", "-m", "fast", "-w"], cancellationToken);
            Port = 0;
        }

        var port = FreeLoopbackPort();
        await ServerToolAsync("pg_ctl",
        [
            "-D", ClusterDirectory, "-o", $"-p {port} -c listen_addresses='' -c unix_socket_directories={SocketDirectory} -c unix_socket_permissions=0700",
            "-l", Path.Combine(ClusterDirectory, "server.log"), "-w", "-t", "60", "start",
        ], cancellationToken);

        var secrets = _secrets;
        var socket = new NpgsqlConnectionStringBuilder { Host = SocketDirectory, Port = port, Username = LegacySuperUser, Database = "postgres", Pooling = false };
        await using (var connection = new NpgsqlConnection(socket.ConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await ExecuteAsync(connection, cancellationToken, $"ALTER ROLE {LegacySuperUser} PASSWORD {Literal(secrets.SuperUserPassword)}");
            await EnsureRoleAsync(connection, OwnerRole, secrets.OwnerPassword, cancellationToken);
            await EnsureRoleAsync(connection, AppRole, secrets.AppPassword, cancellationToken);
            await using var databases = new NpgsqlCommand("SELECT datname FROM pg_database WHERE NOT datistemplate AND datname <> 'postgres'", connection);
            var names = new List<string>();
            await using (var reader = await databases.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    names.Add(reader.GetString(0));
                }
            }

            foreach (var name in names)
            {
                await ExecuteAsync(connection, cancellationToken,
                    $"ALTER DATABASE {Quote(name)} OWNER TO {OwnerRole}",
                    $"REVOKE ALL ON DATABASE {Quote(name)} FROM PUBLIC",
                    $"GRANT CONNECT, TEMPORARY ON DATABASE {Quote(name)} TO {AppRole}");
                socket.Database = name;
                await using var inDatabase = new NpgsqlConnection(socket.ConnectionString);
                await inDatabase.OpenAsync(cancellationToken);
                await ExecuteAsync(inDatabase, cancellationToken, MoveToOwnerSql);
            }
        }

        var hba = Path.Combine(ClusterDirectory, "pg_hba.conf");
        var lines = File.ReadAllLines(hba).Select(line =>
        {
            var content = line.Split('#', 2)[0];
            return content.TrimEnd().EndsWith("trust", StringComparison.Ordinal)
                ? content.TrimEnd()[..^"trust".Length] + "scram-sha-256"
                : line;
        });
        File.WriteAllText(hba, string.Join('\n', lines) + "\n");
        await ServerToolAsync("pg_ctl", ["-D", ClusterDirectory, "stop", "-m", "fast", "-w"], cancellationToken);
        _secrets.SaveSuperUser(LegacySuperUser);
    }

    /// <summary>Every table, sequence and function of the app's schema, given to the owner role (the superuser keeps nothing).</summary>
    private const string MoveToOwnerSql = $$"""
        DO $$
        DECLARE item record;
        BEGIN
            FOR item IN SELECT c.oid::regclass AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND c.relowner = '{{LegacySuperUser}}'::regrole
            LOOP
                EXECUTE format('ALTER TABLE %s OWNER TO {{OwnerRole}}', item.name);
            END LOOP;
            -- Sequences of identity columns moved with their tables; any other sequence moves here.
            FOR item IN SELECT c.oid::regclass AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                        WHERE n.nspname = 'public' AND c.relkind = 'S' AND c.relowner = '{{LegacySuperUser}}'::regrole
            LOOP
                EXECUTE format('ALTER SEQUENCE %s OWNER TO {{OwnerRole}}', item.name);
            END LOOP;
            FOR item IN SELECT p.oid::regprocedure AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                        WHERE n.nspname = 'public' AND p.proowner = '{{LegacySuperUser}}'::regrole
            LOOP
                EXECUTE format('ALTER FUNCTION %s OWNER TO {{OwnerRole}}', item.name);
            END LOOP;
        END
        $$;
        """;

    private static bool PostgresUserCanReach(string directory)
    {
        Directory.CreateDirectory(directory);
        var check = Process.Start(new ProcessStartInfo("runuser", ["-u", "postgres", "--", "test", "-x", Path.GetFullPath(directory)]) { UseShellExecute = false });
        check!.WaitForExit();
        return check.ExitCode == 0;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, CancellationToken cancellationToken, params string[] statements)
    {
        foreach (var statement in statements)
        {
            await using var command = new NpgsqlCommand(statement, connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private Task ServerToolAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var executable = Path.Combine(_binDirectory, tool);
        return _asPostgresUser
            ? PrivateFiles.RunAsync("runuser", ["-u", "postgres", "--", executable, .. arguments], cancellationToken)
            : PrivateFiles.RunAsync(executable, arguments, cancellationToken);
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
}

/// <summary>Who a connection to the private cluster signs in as.</summary>
public enum DatabaseRole
{
    /// <summary>The app's role: reads and writes rows, never rewrites history, owns nothing.</summary>
    App,

    /// <summary>Owns the schema: migrations run as it.</summary>
    Owner,

    /// <summary>Makes databases and roles; nothing of the app runs as it.</summary>
    Super,
}

/// <summary>What to do when another live process already runs the data folder's cluster.</summary>
public enum ClusterUse
{
    /// <summary>Refuse (a second app on the same data folder).</summary>
    Exclusive,

    /// <summary>Use it, and leave it running (admin commands beside a running app).</summary>
    Shared,
}
