using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CovidEntry.App.Data;
using CovidEntry.Tests.Browser;
using Npgsql;

namespace CovidEntry.Tests.Operations;

/// <summary>
/// The private cluster that run.sh starts, as its users and its neighbours meet it: admin commands
/// beside a running app use its cluster and never stop it, a second app is refused, an app that
/// cannot start leaves nothing running, and another account on the machine can neither connect nor
/// read a password. Each test has a data folder of its own.
/// </summary>
public sealed class PrivateClusterTests : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"covidentry-tests-data-{Guid.NewGuid():N}"[..40]);

    private Dictionary<string, string> Environment => new()
    {
        ["COVIDENTRY_DATA_DIR"] = _dataDirectory,
        ["Screenshots__CaptureEnabled"] = "false",
    };

    private string ClusterDirectory => LocalPostgres.ClusterDirectoryFor(_dataDirectory);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        // Whatever a failed test left running is stopped, so the folder can go.
        if (ServerPid() is { } pid)
        {
            using var stop = Process.Start("kill", ["-INT", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await stop.WaitForExitAsync();
            var deadline = Stopwatch.StartNew();
            while (ServerPid() is not null && deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(100);
            }
        }

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // test.sh removes what is left of test folders after the run.
        }
    }

    [Fact]
    public async Task AdminCommandsBesideARunningAppUseItsClusterAndNeverStopIt()
    {
        await using var app = await AppServer.StartAsync(null, environment: Environment);
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        var server = ServerPid();
        Assert.NotNull(server);

        var sample = Path.Combine(RepoPaths.TestData, "ctp-states-history-sample.csv");
        foreach (var arguments in (string[][])[["migrate"], ["audit-verify"], ["import-ctp", sample], ["audit-verify"]])
        {
            var (exitCode, output) = await AppCommand.RunAsync(Environment, arguments);
            Assert.True(exitCode == 0, $"{string.Join(' ', arguments)} exited {exitCode}:\n{output}");
            Assert.Equal(server, ServerPid());
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz/ready")).StatusCode);
        }

        // What the import wrote is what the running app serves.
        var ny = await Eventually.ReadAsync(() => http.GetStringAsync("/api/v1/states/ny/daily.csv"), text => text.Contains("\"NY\"", StringComparison.Ordinal));
        Assert.Contains("\"NY\"", ny, StringComparison.Ordinal);

        Assert.Equal(0, await app.StopAsync());
        Assert.Null(ServerPid());
    }

    [Fact]
    public async Task ASecondAppOnTheSameDataFolderIsRefusedWithASentenceAndTheFirstKeepsServing()
    {
        await using var app = await AppServer.StartAsync(null, environment: Environment);
        var server = ServerPid();

        var (exitCode, output) = await AppCommand.RunAsync(Environment, "--urls", "http://127.0.0.1:0");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Another CovidEntry is already running on the data folder", output, StringComparison.Ordinal);
        Assert.Equal(server, ServerPid());
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz/ready")).StatusCode);
    }

    [Fact]
    public async Task AnAppThatCannotStartStopsTheClusterItStarted()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (exitCode, output) = await AppCommand.RunAsync(Environment, "--urls", $"http://127.0.0.1:{port}");

        Assert.NotEqual(0, exitCode);
        Assert.True(File.Exists(Path.Combine(ClusterDirectory, "PG_VERSION")), $"The cluster was never made:\n{output}");
        Assert.Null(ServerPid());
    }

    [Fact]
    public async Task ACommandOnItsOwnStartsTheClusterAndStopsItAfterwards()
    {
        var (exitCode, output) = await AppCommand.RunAsync(Environment, "migrate");

        Assert.True(exitCode == 0, output);
        Assert.Null(ServerPid());
    }

    [Fact]
    public async Task AnotherAccountOnTheMachineCanNeitherConnectNorReadThePasswords()
    {
        await using var cluster = await LocalPostgres.StartAsync(_dataDirectory, fastAndUnsafe: true);
        await cluster.CreateDatabaseIfMissingAsync(LocalPostgres.DefaultDatabase);
        var app = new NpgsqlConnectionStringBuilder(cluster.ConnectionStringFor(LocalPostgres.DefaultDatabase));

        // The files: private to the app's account, from the folder down.
        Assert.Equal(PrivateFiles.OwnerOnly, File.GetUnixFileMode(Path.Combine(_dataDirectory, DatabaseSecrets.FileName)));
        Assert.Equal(0, (int)(File.GetUnixFileMode(_dataDirectory) & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute)));
        Assert.Equal(PrivateFiles.OwnerOnlyFolder, File.GetUnixFileMode(cluster.SocketDirectory));
        var hba = File.ReadAllLines(Path.Combine(cluster.ClusterDirectory, "pg_hba.conf")).Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#')).ToList();
        Assert.NotEmpty(hba);
        Assert.All(hba, line => Assert.EndsWith("scram-sha-256", line.Trim(), StringComparison.Ordinal));

        // Without the password nobody connects, not even as the app's role or the superuser.
        foreach (var user in (string[])[LocalPostgres.AppRole, LocalPostgres.OwnerRole, LocalPostgres.SuperUser])
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(async () =>
            {
                await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(app.ConnectionString) { Username = user, Password = "guess", Pooling = false }.ConnectionString);
                await connection.OpenAsync();
            });
            Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);
        }

        if (!System.Environment.IsPrivilegedProcess)
        {
            // Trying it as another account takes root (runuser); CI runs as root, where the rest runs.
            return;
        }

        var psql = Path.Combine(LocalPostgres.FindBinDirectory(), "psql");
        string[] overTcp = [psql, "-h", "127.0.0.1", "-p", app.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", LocalPostgres.AppRole, "-d", LocalPostgres.DefaultDatabase, "-w", "-c", "SELECT 'in'"];
        string[] overSocket = [psql, "-h", cluster.SocketDirectory, "-p", app.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", LocalPostgres.AppRole, "-d", LocalPostgres.DefaultDatabase, "-w", "-c", "SELECT 'in'"];

        // The same psql as another account, given the password, gets in: the password is the only way.
        var control = await AsNobodyAsync(overTcp, password: app.Password);
        Assert.True(control.ExitCode == 0, control.Output);

        var tcp = await AsNobodyAsync(overTcp);
        Assert.NotEqual(0, tcp.ExitCode);
        Assert.Contains("password", tcp.Output, StringComparison.OrdinalIgnoreCase);
        var socket = await AsNobodyAsync(overSocket);
        Assert.NotEqual(0, socket.ExitCode);
        Assert.Contains("Permission denied", socket.Output, StringComparison.Ordinal);
        foreach (var path in (string[])[Path.Combine(_dataDirectory, DatabaseSecrets.FileName), Path.Combine(cluster.ClusterDirectory, "pg_hba.conf")])
        {
            var read = await AsNobodyAsync(["cat", path]);
            Assert.NotEqual(0, read.ExitCode);
            Assert.Contains("Permission denied", read.Output, StringComparison.Ordinal);
        }

        var list = await AsNobodyAsync(["ls", _dataDirectory]);
        Assert.NotEqual(0, list.ExitCode);
    }

    [Fact]
    public async Task AClusterMadeBeforePasswordsIsClosedAndKeepsItsData()
    {
        // The cluster an earlier CovidEntry made: every local connection trusted, the app its superuser.
        var pg = ClusterDirectory;
        Directory.CreateDirectory(pg);
        if (System.Environment.IsPrivilegedProcess)
        {
            await PrivateFiles.RunAsync("chown", ["-R", "postgres:postgres", _dataDirectory], default);
        }

        await ServerToolAsync("initdb", "-D", pg, "-A", "trust", "-U", "covidentry", "-N", "-E", "UTF8", "--locale=C");
        using (var free = new TcpListener(IPAddress.Loopback, 0))
        {
            free.Start();
            var port = ((IPEndPoint)free.LocalEndpoint).Port;
            free.Stop();
            await ServerToolAsync("pg_ctl", "-D", pg, "-o", $"-p {port} -k {pg} -c listen_addresses=127.0.0.1 -F", "-l", Path.Combine(pg, "server.log"), "-w", "start");
            var legacy = $"Host=127.0.0.1;Port={port};Username=covidentry;Database=postgres;Pooling=false";
            await ExecuteAsync(legacy, "CREATE DATABASE covidentry");
            legacy = legacy.Replace("Database=postgres", "Database=covidentry", StringComparison.Ordinal);
            await using (var old = TestApp.Build(legacy))
            {
                await DatabaseRoles.MigrateAsync(old.Services, legacy, legacy);
            }

            await ExecuteAsync(legacy, "INSERT INTO \"AspNetRoles\" (\"Id\", \"Name\", \"NormalizedName\") VALUES ('kept', 'Kept', 'KEPT')");
            await ServerToolAsync("pg_ctl", "-D", pg, "stop", "-m", "fast", "-w");
        }

        var (exitCode, output) = await AppCommand.RunAsync(Environment, "migrate");
        Assert.True(exitCode == 0, output);

        var hba = File.ReadAllLines(Path.Combine(pg, "pg_hba.conf")).Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#'));
        Assert.All(hba, line => Assert.EndsWith("scram-sha-256", line.Trim(), StringComparison.Ordinal));
        await using var cluster = await LocalPostgres.StartAsync(_dataDirectory, ClusterUse.Shared, fastAndUnsafe: true);
        var app = cluster.ConnectionStringFor(LocalPostgres.DefaultDatabase);
        Assert.Equal("Kept", await ScalarAsync(app, "SELECT \"Name\" FROM \"AspNetRoles\" WHERE \"Id\" = 'kept'"));
        Assert.Equal(LocalPostgres.OwnerRole, await ScalarAsync(app, "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = '\"ValueVersions\"'::regclass"));
        var trusted = await Assert.ThrowsAnyAsync<NpgsqlException>(() => ExecuteAsync(
            new NpgsqlConnectionStringBuilder(app) { Username = "covidentry", Password = null, Pooling = false }.ConnectionString, "SELECT 1"));
        Assert.Contains("requires one", trusted.Message, StringComparison.Ordinal);
    }

    private static async Task ServerToolAsync(string tool, params string[] arguments)
    {
        var executable = Path.Combine(LocalPostgres.FindBinDirectory(), tool);
        await (System.Environment.IsPrivilegedProcess
            ? PrivateFiles.RunAsync("runuser", ["-u", "postgres", "--", executable, .. arguments], default)
            : PrivateFiles.RunAsync(executable, arguments, default));
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (string?)await command.ExecuteScalarAsync();
    }

    /// <summary>The pid of the postmaster running on this data folder's cluster, or null.</summary>
    private int? ServerPid()
    {
        if (!Directory.Exists(_dataDirectory))
        {
            return null;
        }

        var pidFile = Path.Combine(ClusterDirectory, "postmaster.pid");
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid))
        {
            return null;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited ? null : pid;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static async Task<(int ExitCode, string Output)> AsNobodyAsync(string[] command, string? password = null)
    {
        var start = new ProcessStartInfo("runuser") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = "/" };
        foreach (var argument in (string[])["-u", "nobody", "--", .. command])
        {
            start.ArgumentList.Add(argument);
        }

        // runuser keeps the environment; a command line would show the password to every account.
        start.Environment.Remove("PGPASSWORD");
        if (password is not null)
        {
            start.Environment["PGPASSWORD"] = password;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
