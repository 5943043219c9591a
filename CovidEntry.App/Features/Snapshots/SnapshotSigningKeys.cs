using System.Security.Cryptography;
using System.Text;
using CovidEntry.App.Data;

namespace CovidEntry.App.Features.Snapshots;

/// <summary>
/// The key that signs each snapshot (docs/decisions/028): an ECDSA P-256 private key in a PEM file
/// outside the database (<c>Snapshots:SigningKeyFile</c>; <c>snapshot-signing.key</c> in the data
/// folder for the private cluster), so someone who can write to the database cannot sign what they
/// wrote. Earlier keys' public halves (<c>Snapshots:PreviousPublicKeyFiles</c>) stay published, so
/// snapshots signed before a rotation still verify. The private key is never served, logged or stored.
/// </summary>
public sealed class SnapshotSigningKeys : IDisposable
{
    public const string Section = "Snapshots";
    public const string KeyFileSetting = "Snapshots:SigningKeyFile";
    public const string PreviousKeysSetting = "Snapshots:PreviousPublicKeyFiles";
    public const string DefaultFileName = "snapshot-signing.key";

    private readonly ECDsa _signer;

    private SnapshotSigningKeys(ECDsa signer, IReadOnlyList<SnapshotPublicKey> previous)
    {
        _signer = signer;
        Current = SnapshotPublicKey.Of(signer);
        All = [Current, .. previous.Where(p => p.Fingerprint != Current.Fingerprint)];
    }

    /// <summary>The public half of the key that signs new snapshots.</summary>
    public SnapshotPublicKey Current { get; }

    /// <summary>Every public key the app publishes: the current one first, then the earlier ones.</summary>
    public IReadOnlyList<SnapshotPublicKey> All { get; }

    public SnapshotPublicKey? Find(string? fingerprint) => All.FirstOrDefault(k => k.Fingerprint == fingerprint);

    /// <summary>An ECDSA signature over SHA-256 of <paramref name="data"/>, DER-encoded as <c>openssl dgst -verify</c> reads it.</summary>
    public byte[] Sign(byte[] data) => _signer.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    public void Dispose() => _signer.Dispose();

    /// <summary>
    /// The key file named by <c>Snapshots:SigningKeyFile</c> and the public keys in
    /// <c>Snapshots:PreviousPublicKeyFiles</c>. With <paramref name="generateIn"/> (the private
    /// cluster's data folder) a missing setting means <see cref="DefaultFileName"/> there, made on
    /// first use; otherwise the setting is required.
    /// </summary>
    public static SnapshotSigningKeys FromSettings(IConfiguration configuration, string? generateIn, ILogger? logger = null)
    {
        var configured = configuration[KeyFileSetting];
        string path;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            path = configured;
        }
        else if (generateIn is not null)
        {
            path = Path.Combine(generateIn, DefaultFileName);
            if (!File.Exists(path))
            {
                WriteNewKeyFile(path);
            }
        }
        else
        {
            throw new CannotStartException(
                "No key for signing snapshots is configured: set Snapshots__SigningKeyFile to a PEM file holding an ECDSA P-256 private key "
                + $"(make one with: openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out covidentry-{DefaultFileName}; chmod 600 it), "
                + "keep it out of the database backup, and publish its public key (README: Signed snapshots).");
        }

        var previous = configuration.GetSection(PreviousKeysSetting).Get<string[]>() ?? [];
        return new SnapshotSigningKeys(ReadPrivateKey(path, logger), previous.Select(ReadPublicKey).ToList());
    }

    /// <summary>Writes a new P-256 private key (PKCS#8 PEM, as <c>openssl genpkey</c> writes it), 0600 from its first byte.</summary>
    public static void WriteNewKeyFile(string path)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        PrivateFiles.WriteSecretFile(path, key.ExportPkcs8PrivateKeyPem() + "\n");
    }

    private static ECDsa ReadPrivateKey(string path, ILogger? logger)
    {
        if (!File.Exists(path))
        {
            throw new CannotStartException($"The snapshot signing key {path} does not exist: restore it from where you keep the app's keys, or correct the path.");
        }

        var pem = File.ReadAllText(path);
        var key = ECDsa.Create();
        try
        {
            if (!pem.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
            {
                throw new CryptographicException("no private key");
            }

            key.ImportFromPem(pem);
            SnapshotPublicKey.EnsureP256(key);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new CannotStartException(
                $"The snapshot signing key {path} must hold an ECDSA P-256 private key in PEM (openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256).");
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
        {
            logger?.LogWarning("The snapshot signing key {Path} can be read by every account on this machine: chmod 600 it (or 640 with the app's group)", path);
        }

        return key;
    }

    private static SnapshotPublicKey ReadPublicKey(string path)
    {
        if (!File.Exists(path))
        {
            throw new CannotStartException($"The earlier snapshot public key {path} ({PreviousKeysSetting.Replace(":", "__", StringComparison.Ordinal)}) does not exist: correct the path.");
        }

        try
        {
            return SnapshotPublicKey.FromPem(File.ReadAllText(path));
        }
        catch (FormatException ex)
        {
            throw new CannotStartException($"The earlier snapshot public key {path}: {ex.Message}");
        }
    }
}

/// <summary>
/// A public key that signs or signed snapshots: its PEM (SubjectPublicKeyInfo, as
/// <c>openssl pkey -pubout</c> writes it) and its fingerprint, the SHA-256 of its DER form
/// (<c>openssl pkey -pubin -in public-key.pem -outform DER | sha256sum</c>).
/// </summary>
public sealed class SnapshotPublicKey
{
    private const string P256Oid = "1.2.840.10045.3.1.7";

    private readonly byte[] _subjectPublicKeyInfo;

    private SnapshotPublicKey(byte[] subjectPublicKeyInfo)
    {
        _subjectPublicKeyInfo = subjectPublicKeyInfo;
        Fingerprint = Convert.ToHexStringLower(SHA256.HashData(subjectPublicKeyInfo));
        Pem = PemEncoding.WriteString("PUBLIC KEY", subjectPublicKeyInfo) + "\n";
    }

    /// <summary>The public key in PEM, ending with a newline: the bytes of <c>public-key.pem</c>.</summary>
    public string Pem { get; }

    /// <summary>64 lower-case hex digits, as sha256sum prints them.</summary>
    public string Fingerprint { get; }

    public static SnapshotPublicKey Of(ECDsa key) => new(key.ExportSubjectPublicKeyInfo());

    /// <summary>Reads a PEM public key (a private key is read for its public half); a sentence in the <see cref="FormatException"/> otherwise.</summary>
    public static SnapshotPublicKey FromPem(string pem)
    {
        using var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            EnsureP256(key);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            throw new FormatException("it is not an ECDSA P-256 public key in PEM (a file that starts with -----BEGIN PUBLIC KEY-----).", ex);
        }

        return Of(key);
    }

    /// <summary>Whether <paramref name="signature"/> (DER) is this key's signature over exactly <paramref name="data"/>.</summary>
    public bool Verifies(byte[] data, byte[] signature)
    {
        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(_subjectPublicKeyInfo, out _);
        try
        {
            return key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            // Not even a DER signature: no key made it.
            return false;
        }
    }

    public byte[] PemBytes() => Encoding.ASCII.GetBytes(Pem);

    internal static void EnsureP256(ECDsa key)
    {
        var curve = key.ExportParameters(false).Curve;
        if (curve.Oid?.Value != P256Oid && curve.Oid?.FriendlyName is not ("nistP256" or "ECDSA_P256" or "secp256r1" or "prime256v1"))
        {
            throw new CryptographicException("not a P-256 key");
        }
    }
}
