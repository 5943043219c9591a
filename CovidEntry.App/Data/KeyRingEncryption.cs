using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.Options;

namespace CovidEntry.App.Data;

/// <summary>
/// The data-protection key ring (it signs sign-in cookies and one-time links) lives in PostgreSQL
/// so that every instance shares it, but encrypted with a key that does not: a 256-bit key in a file
/// outside the database (AES-256-GCM). A database dump alone cannot mint a cookie, and a key written
/// into the table behind the app's back is ignored, because only keys sealed with the key file are
/// read (docs/decisions/019).
/// </summary>
public static class KeyRingEncryption
{
    public const string Section = "DataProtection";
    public const string DefaultFileName = "data-protection.key";

    /// <summary>Registers the key ring: stored in the database, sealed with the key file(s) from the settings.</summary>
    public static void AddEncryptedKeyRing(this IServiceCollection services, KeyRingKeys keys)
    {
        services.AddSingleton(keys);
        services.AddDataProtection().SetApplicationName("CovidEntry");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(provider => new ConfigureOptions<KeyManagementOptions>(options =>
        {
            var loggers = provider.GetRequiredService<ILoggerFactory>();
            options.XmlRepository = new SealedKeysOnly(
                new EntityFrameworkCoreXmlRepository<CovidEntryDbContext>(provider, loggers),
                loggers.CreateLogger(typeof(KeyRingEncryption)));
            options.XmlEncryptor = new KeyFileXmlEncryptor(keys);
        }));
    }

    /// <summary>
    /// Reads the key file named by <c>DataProtection:KeyFile</c> (and any <c>DataProtection:PreviousKeyFiles</c>,
    /// kept to read keys sealed before a rotation); with <paramref name="generateIn"/> a missing
    /// setting means the data folder's own file, made on first use.
    /// </summary>
    public static KeyRingKeys ReadKeys(IConfiguration configuration, string? generateIn, ILogger? logger = null) =>
        KeyRingKeys.FromSettings(configuration, Section, DefaultFileName, generateIn, "the sign-in keys", logger);

    /// <summary>Hands the stored elements on only when their secret is sealed with one of our key files.</summary>
    private sealed class SealedKeysOnly(IXmlRepository inner, ILogger logger) : IXmlRepository
    {
        private static readonly XName EncryptedSecret = XName.Get("encryptedSecret", "http://schemas.asp.net/2015/03/dataProtection");

        public IReadOnlyCollection<XElement> GetAllElements() =>
            inner.GetAllElements().Where(IsReadable).ToList();

        public void StoreElement(XElement element, string friendlyName) => inner.StoreElement(element, friendlyName);

        private bool IsReadable(XElement element)
        {
            if (element.Name.LocalName != "key")
            {
                // Revocations carry no secret; honouring one can only sign people out.
                return true;
            }

            var sealedWithKeyFile = element.Descendants(EncryptedSecret)
                .Any(secret => (string?)secret.Attribute("decryptorType") is { } type && type.StartsWith(typeof(KeyFileXmlDecryptor).FullName + ",", StringComparison.Ordinal));
            if (!sealedWithKeyFile)
            {
                logger.LogWarning(
                    "Ignored data-protection key {KeyId} in the database: it is not sealed with the app's key file (written behind the app's back, or made before keys were encrypted)",
                    (string?)element.Attribute("id"));
            }

            return sealedWithKeyFile;
        }
    }
}

/// <summary>The key file that seals new keys, and earlier ones that still open keys sealed before a rotation.</summary>
public sealed class KeyRingKeys(KeyFile current, IReadOnlyList<KeyFile> previous)
{
    public KeyFile Current { get; } = current;

    /// <summary>Every key file: the current one first, then the earlier ones.</summary>
    public IReadOnlyList<KeyFile> All { get; } = [current, .. previous];

    /// <summary>
    /// The key file named by <c>{section}:KeyFile</c> and the earlier ones in <c>{section}:PreviousKeyFiles</c>.
    /// With <paramref name="generateIn"/> (the private cluster's data folder) a missing setting means
    /// <paramref name="defaultFileName"/> there, made on first use; otherwise the setting is required.
    /// </summary>
    public static KeyRingKeys FromSettings(IConfiguration configuration, string section, string defaultFileName, string? generateIn, string purpose, ILogger? logger = null)
    {
        var configured = configuration[$"{section}:KeyFile"];
        string path;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            path = configured;
        }
        else if (generateIn is not null)
        {
            path = Path.Combine(generateIn, defaultFileName);
            if (!File.Exists(path))
            {
                WriteNewKeyFile(path);
            }
        }
        else
        {
            throw new CannotStartException(
                $"No key file for {purpose} is configured: set {section}__KeyFile to a file holding 32 random bytes in base64 "
                + $"(make one with: head -c 32 /dev/urandom | base64 > covidentry-{defaultFileName}; chmod 600 it), "
                + "and keep it out of the database backup (README: Backup and restore).");
        }

        var previous = configuration.GetSection($"{section}:PreviousKeyFiles").Get<string[]>() ?? [];
        return new KeyRingKeys(Read(path, logger), previous.Select(p => Read(p, logger)).ToList());
    }

    public KeyFile? Find(string fingerprint) =>
        Current.Fingerprint == fingerprint ? Current : previous.FirstOrDefault(k => k.Fingerprint == fingerprint);

    public static void WriteNewKeyFile(string path) =>
        PrivateFiles.WriteSecretFile(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyFile.Length)) + "\n");

    public static KeyFile Read(string path, ILogger? logger)
    {
        if (!File.Exists(path))
        {
            throw new CannotStartException($"The key file {path} does not exist: restore it from where you keep the app's keys, or correct the path.");
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(File.ReadAllText(path).Trim());
        }
        catch (FormatException)
        {
            bytes = [];
        }

        if (bytes.Length != KeyFile.Length)
        {
            throw new CannotStartException($"The key file {path} must hold {KeyFile.Length} random bytes in base64 (head -c 32 /dev/urandom | base64).");
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
        {
            logger?.LogWarning("The key file {Path} can be read by every account on this machine: chmod 600 it (or 640 with the app's group)", path);
        }

        return new KeyFile(bytes);
    }
}

public sealed class KeyFile(byte[] key)
{
    public const int Length = 32;
    public const int FingerprintLength = 16;

    /// <summary>Names the key without revealing it, so a sealed element says which file opens it.</summary>
    public string Fingerprint { get; } = Convert.ToHexStringLower(SHA256.HashData(key))[..FingerprintLength];

    internal byte[] Key { get; } = key;
}

/// <summary>Seals a key ring element with AES-256-GCM under the key file.</summary>
public sealed class KeyFileXmlEncryptor(KeyRingKeys keys) : IXmlEncryptor
{
    internal static readonly XNamespace Namespace = "urn:covidentry:key-ring";
    internal static readonly byte[] AssociatedData = Encoding.UTF8.GetBytes("CovidEntry data-protection key ring v1");
    private const int NonceLength = 12;
    private const int TagLength = 16;

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(NonceLength);
        var sealedBytes = new byte[NonceLength + TagLength + plaintext.Length];
        nonce.CopyTo(sealedBytes, 0);
        using (var aes = new AesGcm(keys.Current.Key, TagLength))
        {
            aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(NonceLength + TagLength), sealedBytes.AsSpan(NonceLength, TagLength), AssociatedData);
        }

        var element = new XElement(Namespace + "sealed",
            new XAttribute("keyFile", keys.Current.Fingerprint),
            new XAttribute("algorithm", "AES-256-GCM"),
            Convert.ToBase64String(sealedBytes));
        return new EncryptedXmlInfo(element, typeof(KeyFileXmlDecryptor));
    }

    internal static XElement Open(XElement encryptedElement, KeyRingKeys keys)
    {
        var fingerprint = (string?)encryptedElement.Attribute("keyFile") ?? "";
        var key = keys.Find(fingerprint) ?? throw new CryptographicException(
            $"A sign-in key in the database was sealed with key file {fingerprint}, which is not configured (DataProtection:KeyFile or PreviousKeyFiles).");
        var sealedBytes = Convert.FromBase64String(encryptedElement.Value);
        if (sealedBytes.Length < NonceLength + TagLength)
        {
            throw new CryptographicException("A sealed sign-in key in the database is too short to be one.");
        }

        var plaintext = new byte[sealedBytes.Length - NonceLength - TagLength];
        using (var aes = new AesGcm(key.Key, TagLength))
        {
            aes.Decrypt(sealedBytes.AsSpan(0, NonceLength), sealedBytes.AsSpan(NonceLength + TagLength), sealedBytes.AsSpan(NonceLength, TagLength), plaintext, AssociatedData);
        }

        return XElement.Parse(Encoding.UTF8.GetString(plaintext));
    }
}

/// <summary>Opens what <see cref="KeyFileXmlEncryptor"/> sealed. Data protection makes it by type name, with the app's services.</summary>
public sealed class KeyFileXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement) =>
        KeyFileXmlEncryptor.Open(encryptedElement, services.GetRequiredService<KeyRingKeys>());
}
