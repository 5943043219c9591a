namespace CovidEntry.App.Data;

/// <summary>
/// The guarantees the database keeps itself, one SQL file each in Data/Sql (embedded in the
/// assembly, so a migration finds them wherever it runs), applied by the baseline migration in the
/// order of their names.
/// </summary>
public static class SchemaSql
{
    private const string Prefix = "CovidEntry.App.Data.Sql.";

    /// <summary>Each file's name and statements, in the order they are applied.</summary>
    public static IReadOnlyList<(string Name, string Sql)> Scripts { get; } = Load();

    /// <summary>Undoes what the files made that dropping the tables does not (the functions and the queue table).</summary>
    public const string DropAll = """
        DROP TABLE IF EXISTS "AuditPending";
        DROP FUNCTION IF EXISTS refuse_change() CASCADE;
        DROP FUNCTION IF EXISTS keep_latest_values() CASCADE;
        DROP FUNCTION IF EXISTS queue_audit_events() CASCADE;
        DROP FUNCTION IF EXISTS notify_public_data() CASCADE;
        """;

    private static List<(string Name, string Sql)> Load()
    {
        var assembly = typeof(SchemaSql).Assembly;
        var scripts = new List<(string Name, string Sql)>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            scripts.Add((resource[Prefix.Length..], reader.ReadToEnd()));
        }

        return scripts.Count > 0 ? scripts : throw new InvalidOperationException("The schema's SQL files are not embedded in the assembly (Data/Sql/*.sql).");
    }
}
