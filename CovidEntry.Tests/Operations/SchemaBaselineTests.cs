using System.Text.RegularExpressions;
using CovidEntry.App.Data;
using CovidEntry.App.Data.Migrations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace CovidEntry.Tests.Operations;

/// <summary>
/// The baseline migration (docs/decisions/037) builds the schema the 21 migrations before it built:
/// the chain's script, frozen in TestData/schema when it was squashed, and the baseline are each
/// applied to an empty database, and pg_dump's schema of the two is compared.
/// </summary>
public sealed class SchemaBaselineTests
{
    /// <summary>The migrations before the baseline, as `dotnet ef migrations script` wrote them out of the last commit that had them (8001e28).</summary>
    private static string ChainBeforeBaseline => Path.Combine(RepoPaths.TestData, "schema", "chain-before-baseline.sql");

    /// <summary>
    /// What the baseline changed on purpose, applied to the chain's schema before comparing: the five
    /// functions that refused a change, one per kind of record, are one refuse_change() that each
    /// trigger passes its message (the same messages).
    /// </summary>
    private static readonly (string Function, string Message)[] RefuseFunctions =
    [
        ("refuse_history_change", "published value versions are append-only"),
        ("refuse_snapshot_change", "snapshot files are immutable"),
        ("refuse_screenshot_change", "screenshots are immutable evidence"),
        ("refuse_audit_change", "the audit trail is append-only"),
        ("refuse_reported_day_change", "reported days are append-only"),
    ];

    /// <summary>
    /// Leftovers of the chain's history that no part of the app declares, which the baseline does not
    /// carry: defaults that EF put on columns added NOT NULL to tables that had rows (the app always
    /// writes these columns), and the identity sequence that kept its name when its table was renamed.
    /// </summary>
    private static readonly (string Table, string Column)[] DefaultsOfAddedColumns =
    [
        ("AuditChain", "KeyId"),
        ("JurisdictionSources", "CaptureTimesUtc"),
        ("JurisdictionSources", "ClickSelectors"),
        ("JurisdictionSources", "HideSelectors"),
        ("JurisdictionSources", "WaitMilliseconds"),
        ("Metrics", "PartOf"),
        ("PassDrafts", "Answers"),
        ("PassDrafts", "Evidence"),
        ("Snapshots", "CellsChanged"),
        ("Snapshots", "RowsAdded"),
    ];

    private const string RenamedTablesSequence = "\"JurisdictionSource_Id_seq\"";

    [Fact]
    public async Task TheBaselineBuildsTheSameSchemaAsTheMigrationsItReplaced()
    {
        var cluster = await TestCluster.ClusterAsync();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var chain = $"schema_chain_{suffix}";
        var baseline = $"schema_baseline_{suffix}";
        await cluster.CreateDatabaseIfMissingAsync(chain);
        await cluster.CreateDatabaseIfMissingAsync(baseline);
        var chainOwner = cluster.ConnectionStringFor(chain, DatabaseRole.Owner);
        var baselineOwner = cluster.ConnectionStringFor(baseline, DatabaseRole.Owner);

        await PostgresTools.RunAsync("psql", $"-X -q -v ON_ERROR_STOP=1 -f \"{ChainBeforeBaseline}\" \"{chainOwner.ToLibpq()}\"", chainOwner);

        // Signing arrived when snapshots existed, so the chain added its check NOT VALID; on the chain's
        // empty database it validates, as the baseline's does when it is made.
        await PostgresTools.RunAsync("psql", $"-X -q -v ON_ERROR_STOP=1 -c \"ALTER TABLE \\\"Snapshots\\\" VALIDATE CONSTRAINT \\\"CK_Snapshots_published_signed\\\"\" \"{chainOwner.ToLibpq()}\"", chainOwner);

        await using (var app = TestApp.Build(baselineOwner))
        await using (var db = new CovidEntryDbContext(new DbContextOptionsBuilder<CovidEntryDbContext>().UseNpgsql(baselineOwner).UseApplicationServiceProvider(app.Services).Options))
        {
            var migrations = db.Database.GetMigrations().ToList();
            Assert.EndsWith("_" + nameof(Baseline), migrations[0], StringComparison.Ordinal);
            await db.GetService<IMigrator>().MigrateAsync(migrations[0]);
        }

        var before = Normalized(await DumpAsync(chainOwner), fromChain: true);
        var after = Normalized(await DumpAsync(baselineOwner), fromChain: false);
        var missing = before.Except(after).ToList();
        var added = after.Except(before).ToList();
        Assert.True(missing.Count == 0 && added.Count == 0,
            "The schemas differ.\nOnly the chain's:\n" + string.Join("\n", missing) + "\nOnly the baseline's:\n" + string.Join("\n", added));
        Assert.Equal(before, after);
    }

    [Fact]
    public void TheMigrationsBuildTheModelAsTheCodeDeclaresIt()
    {
        // A change to the model without its migration would make a database the app does not describe.
        // Built as `dotnet ef migrations add` builds it (no connection is made).
        using var db = new DesignTimeDbContextFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(), "The model has changes no migration makes: add one with `dotnet ef migrations add`.");
    }

    private static Task<string> DumpAsync(string connectionString) =>
        PostgresTools.RunAsync("pg_dump", $"--schema-only --no-comments \"{connectionString.ToLibpq()}\"", connectionString);

    /// <summary>
    /// The dump as a list of statements, without what differs between any two dumps (the header's
    /// version lines, psql's per-dump restrict key) or says nothing about the schema (the order of a
    /// table's columns, which follows the order they were added in), and for the chain with the
    /// baseline's changes above.
    /// </summary>
    private static List<string> Normalized(string dump, bool fromChain)
    {
        var lines = dump.Split('\n')
            .Where(l => !l.StartsWith(@"\restrict", StringComparison.Ordinal) && !l.StartsWith(@"\unrestrict", StringComparison.Ordinal))
            .Where(l => !l.StartsWith("--", StringComparison.Ordinal));
        var statements = Statements(string.Join("\n", lines)).Select(ColumnsInNameOrder).ToList();
        if (!fromChain)
        {
            return [.. statements.Where(s => !s.Contains("FUNCTION public.refuse_change()", StringComparison.Ordinal))];
        }

        return [.. statements
            .Where(s => !RefuseFunctions.Any(f => s.Contains($"FUNCTION public.{f.Function}()", StringComparison.Ordinal) && !s.StartsWith("CREATE TRIGGER", StringComparison.Ordinal)))
            .Select(s => RefuseFunctions.Aggregate(s, (text, f) =>
                text.Replace($"EXECUTE FUNCTION public.{f.Function}()", $"EXECUTE FUNCTION public.refuse_change('{f.Message}')", StringComparison.Ordinal)))
            .Select(s => s.Replace(RenamedTablesSequence, "\"JurisdictionSources_Id_seq\"", StringComparison.Ordinal))
            .Select(WithoutDefaultsOfAddedColumns)];
    }

    /// <summary>The dump's statements: split where a line ends one, except inside a function's $$-quoted body.</summary>
    private static IEnumerable<string> Statements(string dump)
    {
        var statement = "";
        foreach (var piece in dump.Split(";\n"))
        {
            statement = statement.Length == 0 ? piece : statement + ";\n" + piece;
            if (statement.Split("$$").Length % 2 == 1 && statement.Trim().Length > 0)
            {
                yield return statement.Trim();
                statement = "";
            }
        }
    }

    /// <summary>A CREATE TABLE with its column and constraint lines sorted (and their separating commas dropped).</summary>
    private static string ColumnsInNameOrder(string statement)
    {
        if (!statement.StartsWith("CREATE TABLE ", StringComparison.Ordinal))
        {
            return statement;
        }

        var lines = statement.Split('\n');
        var body = lines[1..^1].Select(l => l.TrimEnd(',')).Order(StringComparer.Ordinal);
        return string.Join("\n", [lines[0], .. body, lines[^1]]);
    }

    private static string WithoutDefaultsOfAddedColumns(string statement)
    {
        foreach (var (table, column) in DefaultsOfAddedColumns)
        {
            if (statement.StartsWith($"CREATE TABLE public.\"{table}\" (", StringComparison.Ordinal))
            {
                statement = Regex.Replace(statement, $"^(    \"{column}\" [^\\n]*?) DEFAULT [^\\n]*? NOT NULL$", "$1 NOT NULL", RegexOptions.Multiline);
            }
        }

        return statement;
    }
}
