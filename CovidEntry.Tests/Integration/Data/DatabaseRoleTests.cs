using CovidEntry.App.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.AspNetCore.Builder;
using Npgsql;

namespace CovidEntry.Tests.Integration;

/// <summary>
/// The app's database role, tried as an attacker who took over the app would: it cannot run
/// programs on the server, read its files, make roles or extensions, become another role, change
/// the schema or switch a guard off, and it cannot change or remove published history, the audit
/// trail, snapshots, screenshots or the sign-in keys. The app refuses to run as anything stronger.
/// </summary>
public class DatabaseRoleTests : IAsyncLifetime
{
    private readonly TestDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    public static TheoryData<string, string> Escapes => new()
    {
        { "run a program on the server", "COPY (SELECT 1) TO PROGRAM 'id'" },
        { "read a server file", "COPY \"Metrics\" FROM '/etc/passwd'" },
        { "read a server file by function", "SELECT pg_read_file('/etc/passwd')" },
        { "write a server file", "COPY (SELECT 1) TO '/tmp/covidentry-escape'" },
        { "make a role", "CREATE ROLE intruder LOGIN PASSWORD 'intruder'" },
        { "become a superuser", $"ALTER ROLE {LocalPostgres.AppRole} SUPERUSER" },
        { "become the owner", $"SET ROLE {LocalPostgres.OwnerRole}" },
        { "make an extension", "CREATE EXTENSION IF NOT EXISTS pgcrypto" },
        { "make a table", "CREATE TABLE intruder (x int)" },
        { "make a function", "CREATE FUNCTION intruder() RETURNS int LANGUAGE sql AS 'SELECT 1'" },
        { "switch a guard off", "ALTER TABLE \"ValueVersions\" DISABLE TRIGGER \"ValueVersions_append_only\"" },
        { "drop the history", "DROP TABLE \"ValueVersions\" CASCADE" },
        { "change a published value", "UPDATE \"ValueVersions\" SET \"Value\" = 0" },
        { "remove a published value", "DELETE FROM \"ValueVersions\"" },
        { "empty the history", "TRUNCATE \"ValueVersions\" CASCADE" },
        { "change an audit event", "UPDATE \"AuditEvents\" SET \"UserName\" = 'someone else'" },
        { "remove an audit event", "DELETE FROM \"AuditEvents\"" },
        { "change a chain link", "UPDATE \"AuditChain\" SET \"Hash\" = repeat('0', 64)" },
        { "remove a chain link", "DELETE FROM \"AuditChain\"" },
        { "change a snapshot file", "UPDATE \"SnapshotFiles\" SET \"Content\" = '\\x00'" },
        { "remove a snapshot", "DELETE FROM \"Snapshots\"" },
        { "change a screenshot", "UPDATE \"Screenshots\" SET \"SourceLabel\" = 'x'" },
        { "remove an image", "DELETE FROM \"ImageBlobs\"" },
        { "withdraw a screenshot's approval", "DELETE FROM \"ScreenshotApprovals\"" },
        { "replace a sign-in key", "UPDATE \"DataProtectionKeys\" SET \"Xml\" = '<key/>'" },
        { "remove the sign-in keys", "DELETE FROM \"DataProtectionKeys\"" },
        { "fake the schema's history", "DELETE FROM \"__EFMigrationsHistory\"" },
        { "lock the history against every reader", "LOCK TABLE \"ValueVersions\" IN ACCESS EXCLUSIVE MODE" },
    };

    [Theory]
    [MemberData(nameof(Escapes))]
    public async Task TheAppsRoleIsRefused(string attempt, string sql)
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand(sql, connection, transaction);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.True(refused.SqlState == PostgresErrorCodes.InsufficientPrivilege, $"{attempt}: {refused.SqlState} {refused.MessageText}");
    }

    [Fact]
    public async Task TheAppsRoleIsNeitherSuperuserNorOwnerAndCanDoItsWork()
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT current_user, r.rolsuper, r.rolcreaterole, r.rolcreatedb,
                   (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = '"ValueVersions"'::regclass),
                   has_table_privilege('"ValueVersions"', 'INSERT'), has_table_privilege('"LatestValues"', 'UPDATE')
            FROM pg_roles r WHERE r.rolname = current_user
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();

        Assert.Equal(LocalPostgres.AppRole, reader.GetString(0));
        Assert.False(reader.GetBoolean(1));
        Assert.False(reader.GetBoolean(2));
        Assert.False(reader.GetBoolean(3));
        Assert.Equal(LocalPostgres.OwnerRole, reader.GetString(4));
        Assert.True(reader.GetBoolean(5));

        // The latest table follows the history through a trigger; the app's role never writes it.
        Assert.False(reader.GetBoolean(6));
    }

    [Theory]
    [InlineData(DatabaseRole.Super, "a superuser")]
    [InlineData(DatabaseRole.Owner, "can change or remove published history")]
    public async Task TheAppRefusesToStartWithARoleThatCouldRewriteHistory(DatabaseRole role, string reason)
    {
        await using var app = TestApp.Build(TestCluster.AsRole(_database.ConnectionString, role));

        var refused = await Assert.ThrowsAsync<CannotStartException>(() => app.PrepareDatabaseAsync());

        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings__Migrations", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMigrationAsTheOwnerGrantsANewTableToTheAppsRole()
    {
        var owner = TestCluster.AsRole(_database.ConnectionString, DatabaseRole.Owner);
        await using (var connection = new NpgsqlConnection(owner))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE TABLE \"NewInALaterRelease\" (\"Id\" int PRIMARY KEY)", connection);
            await create.ExecuteNonQueryAsync();
        }

        await DatabaseRoles.MigrateAsync(_database.Services, owner, _database.ConnectionString);

        await using var app = new NpgsqlConnection(_database.ConnectionString);
        await app.OpenAsync();
        await using var insert = new NpgsqlCommand("INSERT INTO \"NewInALaterRelease\" VALUES (1)", app);
        Assert.Equal(1, await insert.ExecuteNonQueryAsync());
    }

    [Fact]
    public async Task ADatabaseMadeByMigrationsThisVersionDoesNotHaveIsRefusedWithWhatToDoAndLeftAsItWas()
    {
        // A local data folder from before the schema baseline: its history names the old chain's migrations.
        var owner = TestCluster.AsRole(_database.ConnectionString, DatabaseRole.Owner);

        // One migration behind, so that a migrate that went ahead would show.
        await using (var db = new CovidEntryDbContext(new DbContextOptionsBuilder<CovidEntryDbContext>()
            .UseNpgsql(owner).UseApplicationServiceProvider(_database.Services).Options))
        {
            var migrations = db.Database.GetMigrations().ToList();
            await db.GetService<IMigrator>().MigrateAsync(migrations.Count > 1 ? migrations[^2] : Migration.InitialDatabase);
        }

        var applied = await HistoryRowsAsync();
        await using (var connection = new NpgsqlConnection(owner))
        {
            await connection.OpenAsync();
            await using var old = new NpgsqlCommand(
                "INSERT INTO \"__EFMigrationsHistory\" VALUES ('20261124121340_InitialSchema', '10.0.0'), ('20261205170431_MetricCatalogManaged', '10.0.0')", connection);
            await old.ExecuteNonQueryAsync();
        }

        var refused = await Assert.ThrowsAsync<CannotStartException>(() => DatabaseRoles.MigrateAsync(_database.Services, owner, _database.ConnectionString));
        Assert.Contains("migrations this version of CovidEntry does not have (20261124121340_InitialSchema, 20261205170431_MetricCatalogManaged)", refused.Message, StringComparison.Ordinal);
        Assert.Contains("COVIDENTRY_DATA_DIR", refused.Message, StringComparison.Ordinal);

        // Nothing migrated: the history holds what it held, and the two old rows; the migration behind is still to apply.
        Assert.Equal(applied + 2, await HistoryRowsAsync());
    }

    private async Task<long> HistoryRowsAsync()
    {
        await using var app = new NpgsqlConnection(_database.ConnectionString);
        await app.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM \"__EFMigrationsHistory\"", app);
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
