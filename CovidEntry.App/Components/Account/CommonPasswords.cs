using System.IO.Compression;

namespace CovidEntry.App.Components.Account;

/// <summary>
/// The list of common passwords shipped with the app (Data/Seed/common-passwords.txt.gz, embedded
/// in the assembly so no deployment can lose it): every password of 12 to 128 characters from
/// SecLists' top million and zxcvbn-ts' common list, lower-cased. Shorter ones are refused by
/// length already. Loaded on first use and kept for the life of the app.
/// </summary>
public sealed class CommonPasswords
{
    public const string ResourceName = "CovidEntry.App.Data.Seed.common-passwords.txt.gz";

    private readonly Lazy<HashSet<string>> _passwords = new(Load);

    public int Count => _passwords.Value.Count;

    /// <summary>Case-insensitive: "Password123456" is as guessable as "password123456".</summary>
    public bool Contains(string password) => _passwords.Value.Contains(password.ToLowerInvariant());

    private static HashSet<string> Load()
    {
        using var resource = typeof(CommonPasswords).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The common-password list ({ResourceName}) is missing from the app's assembly.");
        using var gzip = new GZipStream(resource, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var passwords = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                passwords.Add(line.ToLowerInvariant());
            }
        }

        return passwords;
    }
}
