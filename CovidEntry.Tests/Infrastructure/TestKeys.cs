using CovidEntry.App.Data;
using CovidEntry.App.Features.Snapshots;

namespace CovidEntry.Tests.Infrastructure;

/// <summary>
/// The key files every app the tests start seals its sign-in keys with (DataProtection:KeyFile), seals
/// its audit trail with (Audit:KeyFile) and signs its snapshots with (Snapshots:SigningKeyFile), one
/// set per test process, in a private temp folder removed when the process ends. Instances sharing a
/// database share them, as production instances share theirs.
/// </summary>
public static class TestKeys
{
    private static readonly Lazy<string> Folder = new(() =>
    {
        var folder = Directory.CreateTempSubdirectory($"covidentry-tests-keys-{Environment.ProcessId}-").FullName;
        KeyRingKeys.WriteNewKeyFile(Path.Combine(folder, KeyRingEncryption.DefaultFileName));
        KeyRingKeys.WriteNewKeyFile(Path.Combine(folder, CovidEntry.App.Features.Audit.AuditKeys.DefaultFileName));
        SnapshotSigningKeys.WriteNewKeyFile(Path.Combine(folder, SnapshotSigningKeys.DefaultFileName));
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // test.sh removes what is left of test folders after the run.
            }
        };
        return folder;
    });

    public static string DataProtectionKeyFile => Path.Combine(Folder.Value, KeyRingEncryption.DefaultFileName);

    public static string AuditKeyFile => Path.Combine(Folder.Value, CovidEntry.App.Features.Audit.AuditKeys.DefaultFileName);

    public static string SnapshotSigningKeyFile => Path.Combine(Folder.Value, SnapshotSigningKeys.DefaultFileName);

    /// <summary>The head log of one database's audit chain (instances on the same database share it, as in production).</summary>
    public static string HeadLogFor(string connectionString) =>
        Path.Combine(Folder.Value, $"audit-heads-{new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Database}.log");

    /// <summary>The settings that point an app at these files, as configuration keys (Section:Key).</summary>
    public static IReadOnlyDictionary<string, string> SettingsFor(string connectionString) => new Dictionary<string, string>
    {
        ["DataProtection:KeyFile"] = DataProtectionKeyFile,
        ["Audit:KeyFile"] = AuditKeyFile,
        [CovidEntry.App.Features.Audit.AuditHeadLog.Setting] = HeadLogFor(connectionString),
        [SnapshotSigningKeys.KeyFileSetting] = SnapshotSigningKeyFile,
    };
}
