using CovidEntry.App.Data;

namespace CovidEntry.Tests.Infrastructure;

/// <summary>
/// The key file every app the tests start seals its sign-in keys with (DataProtection:KeyFile), one
/// per test process, in a private temp folder removed when the process ends. Instances sharing a
/// database share it, as production instances share theirs.
/// </summary>
public static class TestKeys
{
    private static readonly Lazy<string> Folder = new(() =>
    {
        var folder = Directory.CreateTempSubdirectory($"covidentry-tests-keys-{Environment.ProcessId}-").FullName;
        KeyRingKeys.WriteNewKeyFile(Path.Combine(folder, KeyRingEncryption.DefaultFileName));
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

    /// <summary>The setting, as configuration and as an environment variable.</summary>
    public static KeyValuePair<string, string> Setting => new("DataProtection:KeyFile", DataProtectionKeyFile);
}
