using CovidEntry.Domain.Audit;
using CovidEntry.Domain.History;
using CovidEntry.Domain.Screenshots;
using CovidEntry.Domain.Snapshots;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CovidEntry.App.Data;

/// <summary>
/// Two roles in the database (docs/decisions/019): the owner, which migrations run as and which
/// owns every table, and the app's role, which may read and write rows but never rewrite history.
/// After every migration the owner grants the app's role exactly that; the app checks at start
/// that its role has no more, and refuses to run otherwise.
/// </summary>
public static class DatabaseRoles
{
    /// <summary>Rows the app adds and never changes: the database refuses UPDATE, DELETE and TRUNCATE to the app's role.</summary>
    private static readonly Type[] AppendOnly =
    [
        typeof(ValueVersion), typeof(ReportedDay), typeof(BatchManifest), typeof(AuditEvent), typeof(AuditLink), typeof(SnapshotFile),
        typeof(Screenshot), typeof(ScreenshotApproval), typeof(Features.Screenshots.ImageBlob), typeof(DataProtectionKey),
    ];

    /// <summary>
    /// Rows only the database writes: the latest table follows the version history through a
    /// trigger (docs/decisions/031), so the app's role cannot set a latest value no version holds.
    /// </summary>
    private static readonly Type[] KeptByTheDatabase = [typeof(LatestValue)];

    /// <summary>Rows the app updates while they are being made but never removes.</summary>
    private static readonly Type[] NeverDeleted = [typeof(Snapshot)];

    /// <summary>Derived rows written whole and removed whole, never changed: the materialized public files (docs/decisions/032).</summary>
    private static readonly Type[] NeverUpdated = [typeof(Features.Exports.PublicFileGeneration), typeof(Features.Exports.PublicFileBlob)];

    /// <summary>Applies the migrations as the owner, then grants the app's role what it needs.</summary>
    public static async Task MigrateAsync(IServiceProvider services, string ownerConnectionString, string appConnectionString, CancellationToken cancellationToken = default)
    {
        await using var db = new CovidEntryDbContext(new DbContextOptionsBuilder<CovidEntryDbContext>()
            .UseNpgsql(ownerConnectionString)
            .UseApplicationServiceProvider(services)
            .Options);
        await RefuseUnknownHistoryAsync(db, cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);

        var owner = new NpgsqlConnectionStringBuilder(ownerConnectionString).Username;
        var app = new NpgsqlConnectionStringBuilder(appConnectionString).Username;
        if (string.IsNullOrEmpty(app) || app == owner)
        {
            // Nothing to grant; the start-up check refuses an app that runs as the owner.
            return;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var statement in GrantStatements(db, Quote(app)))
        {
            await db.Database.ExecuteSqlRawAsync(statement, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// A database whose schema history names a migration this version does not have was made by
    /// another version: by the migrations squashed into the baseline (docs/decisions/037), or by a
    /// newer CovidEntry. Migrating it would fail halfway or undo nothing it should, so it is refused
    /// with what to do instead.
    /// </summary>
    private static async Task RefuseUnknownHistoryAsync(CovidEntryDbContext db, CancellationToken cancellationToken)
    {
        var known = db.Database.GetMigrations().ToHashSet(StringComparer.Ordinal);
        var unknown = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).Where(m => !known.Contains(m)).ToList();
        if (unknown.Count > 0)
        {
            throw new CannotStartException(
                $"This database's schema was made by migrations this version of CovidEntry does not have ({string.Join(", ", unknown.Take(3))}{(unknown.Count > 3 ? ", …" : "")}). "
                + "A local data folder from before the schema baseline of 2026-12-05 holds only test data from before the first release: "
                + "move the folder away (COVIDENTRY_DATA_DIR, by default ~/.local/share/covidentry) and `./run.sh` makes a fresh one. "
                + "Otherwise run the version of CovidEntry that made the database (README: Upgrading).");
        }
    }

    /// <summary>
    /// Everything of the schema, then less where history must stay as written. Granted afresh after
    /// each migration, in one transaction, so a new table is covered without anyone remembering to.
    /// </summary>
    public static IEnumerable<string> GrantStatements(DbContext db, string appRole)
    {
        yield return $"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {appRole}";
        yield return $"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {appRole}";
        yield return $"GRANT USAGE ON SCHEMA public TO {appRole}";
        yield return $"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {appRole}";
        yield return $"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {appRole}";
        foreach (var type in AppendOnly)
        {
            yield return $"REVOKE UPDATE, DELETE ON {Table(db, type)} FROM {appRole}";
        }

        foreach (var type in KeptByTheDatabase)
        {
            yield return $"REVOKE INSERT, UPDATE, DELETE ON {Table(db, type)} FROM {appRole}";
        }

        foreach (var type in NeverDeleted)
        {
            yield return $"REVOKE DELETE ON {Table(db, type)} FROM {appRole}";
        }

        foreach (var type in NeverUpdated)
        {
            yield return $"REVOKE UPDATE ON {Table(db, type)} FROM {appRole}";
        }

        yield return $"REVOKE INSERT, UPDATE, DELETE ON {Quote(Microsoft.EntityFrameworkCore.Migrations.HistoryRepository.DefaultTableName)} FROM {appRole}";
    }

    /// <summary>
    /// Refuses to start when the app's role could do more than the app needs: a superuser, a role
    /// that can make roles or databases or run programs on the server, or one that may change or
    /// remove published history. The sentence says how to set the roles up.
    /// </summary>
    public static async Task CheckAppRoleAsync(string appConnectionString, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(appConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT r.rolname, r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolbypassrls,
                   pg_has_role(r.oid, 'pg_execute_server_program', 'MEMBER')
                       OR pg_has_role(r.oid, 'pg_read_server_files', 'MEMBER')
                       OR pg_has_role(r.oid, 'pg_write_server_files', 'MEMBER'),
                   history IS NOT NULL AND (pg_has_role(r.oid, (SELECT relowner FROM pg_class WHERE oid = history), 'MEMBER')
                       OR has_table_privilege(r.oid, history, 'UPDATE')
                       OR has_table_privilege(r.oid, history, 'DELETE')
                       OR has_table_privilege(r.oid, history, 'TRUNCATE'))
            FROM pg_roles r, to_regclass('"ValueVersions"') AS history
            WHERE r.rolname = current_user
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var role = reader.GetString(0);
        const string HowTo = "Give the app a role of its own that is not a superuser and does not own the tables, "
            + "and set ConnectionStrings__Migrations to the owner's connection string: `migrate` then grants the app's role what it needs (README: Production).";
        if (reader.GetBoolean(1) || reader.GetBoolean(2) || reader.GetBoolean(3) || reader.GetBoolean(4) || reader.GetBoolean(5))
        {
            throw new CannotStartException(
                $"The app connects to PostgreSQL as \"{role}\", which can do more than the app needs (a superuser, or it can make roles or databases, bypass row security or run programs on the server). {HowTo}");
        }

        if (reader.GetBoolean(6))
        {
            throw new CannotStartException(
                $"The app connects to PostgreSQL as \"{role}\", which can change or remove published history (it owns the tables or was granted UPDATE, DELETE or TRUNCATE on them). {HowTo}");
        }
    }

    private static string Table(DbContext db, Type entity)
    {
        var type = db.Model.FindEntityType(entity) ?? throw new InvalidOperationException($"{entity.Name} is not in the model.");
        return Quote(type.GetTableName()!);
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
