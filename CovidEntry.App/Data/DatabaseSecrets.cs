using System.Security.Cryptography;
using System.Text.Json;

namespace CovidEntry.App.Data;

/// <summary>
/// The private cluster's passwords, made at random on first use and kept in the data folder in
/// <c>database-secrets.json</c> (mode 0600): the superuser's, the owner role's and the app role's.
/// </summary>
public sealed class DatabaseSecrets
{
    public const string FileName = "database-secrets.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private string _path = "";

    public string SuperUser { get; set; } = LocalPostgres.SuperUser;

    public string SuperUserPassword { get; set; } = "";

    public string OwnerPassword { get; set; } = "";

    public string AppPassword { get; set; } = "";

    public static bool ExistIn(string dataDirectory) => File.Exists(Path.Combine(dataDirectory, FileName));

    public static DatabaseSecrets LoadOrCreate(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        if (File.Exists(path))
        {
            var loaded = JsonSerializer.Deserialize<DatabaseSecrets>(File.ReadAllText(path))
                ?? throw new CannotStartException($"{path} is empty: restore it from a backup of the data folder.");
            if (string.IsNullOrEmpty(loaded.SuperUserPassword) || string.IsNullOrEmpty(loaded.OwnerPassword) || string.IsNullOrEmpty(loaded.AppPassword))
            {
                throw new CannotStartException($"{path} lacks a password: restore it from a backup of the data folder.");
            }

            // Whoever made the file, it stays readable by the app's user alone.
            File.SetUnixFileMode(path, PrivateFiles.OwnerOnly);
            loaded._path = path;
            return loaded;
        }

        var secrets = new DatabaseSecrets
        {
            SuperUserPassword = NewPassword(),
            OwnerPassword = NewPassword(),
            AppPassword = NewPassword(),
            _path = path,
        };
        secrets.Save();
        return secrets;
    }

    /// <summary>Records the name of the superuser (a cluster made before passwords has another).</summary>
    public void SaveSuperUser(string name)
    {
        SuperUser = name;
        Save();
    }

    private void Save() => PrivateFiles.WriteSecretFile(_path, JsonSerializer.Serialize(this, Json));

    private static string NewPassword() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
