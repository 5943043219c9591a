using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CovidEntry.Domain.Snapshots;

namespace CovidEntry.App.Features.Snapshots;

/// <summary>
/// A snapshot's manifest and its signed checksum list (docs/decisions/028). The list is in
/// sha256sum's own format and names every file of the snapshot, manifest.json and changelog.json
/// included, so two standard commands check a download: <c>openssl dgst -sha256 -verify
/// public-key.pem -signature SHA256SUMS.sig SHA256SUMS</c>, then <c>sha256sum -c SHA256SUMS</c>.
/// </summary>
public static class SnapshotManifest
{
    public const string ManifestFile = "manifest.json";
    public const string ChangelogFile = "changelog.json";
    public const string ChecksumsFile = "SHA256SUMS";
    public const string SignatureFile = "SHA256SUMS.sig";
    public const string PublicKeyFile = "public-key.pem";
    public const string Algorithm = "ECDSA P-256 with SHA-256";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Signs a finished snapshot: its manifest, the checksum list of every file, and the signature over the list.</summary>
    public static SnapshotSignature Sign(Snapshot snapshot, SnapshotSigningKeys keys)
    {
        var manifest = Json(snapshot.Id, snapshot.FinishedAtUtc, snapshot.LastBatchId, snapshot.LastVersionId, snapshot.AuditHeadId, snapshot.AuditHeadHash,
            snapshot.Files.Select(f => new SnapshotFileInfo(f.Name, f.ContentType, f.Size, f.Rows, f.Sha256)), keys.Current);
        var checksums = Checksums(
        [
            .. snapshot.Files.Select(f => (f.Sha256, f.Name)),
            (Sha256(Encoding.UTF8.GetBytes(snapshot.Changelog ?? "")), ChangelogFile),
            (Sha256(manifest), ManifestFile),
        ]);
        return new SnapshotSignature(manifest, checksums, keys.Current.Fingerprint, keys.Sign(checksums));
    }

    /// <summary>
    /// The manifest's JSON. A signed manifest also names its signature's files and key; one made
    /// before signing (served from the snapshot's rows) has exactly the fields it always had.
    /// </summary>
    public static byte[] Json(Guid snapshotId, DateTime? madeAtUtc, Guid? lastBatchId, long lastVersionId, long? auditHeadId, string? auditHeadHash,
        IEnumerable<SnapshotFileInfo> files, SnapshotPublicKey? signedBy)
    {
        var head = new { @event = auditHeadId, sha256 = auditHeadHash };
        var listed = files.Select(f => new { name = f.Name, content_type = f.ContentType, size = f.Size, rows = f.Rows, sha256 = f.Sha256 }).ToList();
        return signedBy is null
            ? JsonSerializer.SerializeToUtf8Bytes(new
            {
                snapshot = snapshotId,
                made_at = madeAtUtc,
                last_batch = lastBatchId,
                last_version = lastVersionId,
                audit_chain_head = head,
                files = listed,
            }, Indented)
            : JsonSerializer.SerializeToUtf8Bytes(new
            {
                snapshot = snapshotId,
                made_at = madeAtUtc,
                last_batch = lastBatchId,
                last_version = lastVersionId,
                audit_chain_head = head,
                files = listed,
                signature = new
                {
                    algorithm = Algorithm,
                    key_sha256 = signedBy.Fingerprint,
                    checksums = ChecksumsFile,
                    signature = SignatureFile,
                    changelog = ChangelogFile,
                },
            }, Indented);
    }

    /// <summary>Lines of <c>HASH  NAME</c>, each ending with a newline, as <c>sha256sum</c> writes and <c>sha256sum -c</c> reads them.</summary>
    public static byte[] Checksums(IEnumerable<(string Sha256, string Name)> files) =>
        Encoding.UTF8.GetBytes(string.Concat(files.Select(f => $"{f.Sha256}  {f.Name}\n")));

    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>
    /// A name that can only mean a file directly in the snapshot's folder: letters, digits, dots,
    /// dashes and underscores, not starting with a dot (so never "..", a path or a hidden file).
    /// </summary>
    public static bool IsPlainFileName(string name) =>
        name.Length is > 0 and <= SnapshotFile.NameMaxLength
        && name[0] != '.'
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');
}
