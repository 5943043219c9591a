using System.Text;
using System.Text.Json;
using CovidEntry.App.Data;
using CovidEntry.Domain.Snapshots;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Snapshots;

/// <summary>
/// A published snapshot as stored, checked against its own signature: the audit chain head it
/// anchors (from its signed manifest when it is signed) and what no longer matches.
/// </summary>
public sealed record StoredSnapshot(Guid Id, DateTime StartedAtUtc, long? AuditHeadId, string? AuditHeadHash, bool HeadIsSigned, IReadOnlyList<string> Problems);

/// <summary>
/// Checks every published snapshot in the database the way a downloader would (docs/decisions/028),
/// for audit-verify: the signature over its checksum list under the app's public keys, its manifest,
/// changelog and files (hashed by PostgreSQL, so no file leaves the database) against that list, and
/// the audit head its row names against the one its signed manifest publishes. Someone who rewrote
/// the rows without the signing key is named here, and the head taken from the signed manifest is
/// an anchor they could not move.
/// </summary>
public static class StoredSnapshotCheck
{
    public static async Task<IReadOnlyList<StoredSnapshot>> CheckAsync(CovidEntryDbContext db, SnapshotSigningKeys keys, CancellationToken cancellationToken)
    {
        var ids = await db.Snapshots.AsNoTracking().Where(s => s.State == SnapshotState.Published).OrderBy(s => s.StartedAtUtc)
            .Select(s => s.Id).ToListAsync(cancellationToken);
        var checkedSnapshots = new List<StoredSnapshot>(ids.Count);
        foreach (var id in ids)
        {
            checkedSnapshots.Add(await CheckOneAsync(db, keys, id, cancellationToken));
        }

        return checkedSnapshots;
    }

    private static async Task<StoredSnapshot> CheckOneAsync(CovidEntryDbContext db, SnapshotSigningKeys keys, Guid id, CancellationToken cancellationToken)
    {
        var s = await db.Snapshots.AsNoTracking().Where(s => s.Id == id)
            .Select(s => new { s.StartedAtUtc, s.AuditHeadId, s.AuditHeadHash, s.Manifest, s.Checksums, s.Signature, s.SigningKey, s.Changelog })
            .SingleAsync(cancellationToken);
        var unsigned = new StoredSnapshot(id, s.StartedAtUtc, s.AuditHeadId, s.AuditHeadHash, false, []);
        if (s.Signature is null || s.Checksums is null || s.Manifest is null)
        {
            // Made before signing: nothing to check it against, as before.
            return unsigned;
        }

        if (keys.Find(s.SigningKey) is not { } key)
        {
            return unsigned with
            {
                Problems = [$"Snapshot {id} was signed with the key whose fingerprint is {s.SigningKey}, which this app does not have "
                    + $"({SnapshotSigningKeys.KeyFileSetting}, {SnapshotSigningKeys.PreviousKeysSetting}), so it cannot be checked."],
            };
        }

        if (!key.Verifies(s.Checksums, s.Signature))
        {
            return unsigned with
            {
                Problems = [$"Snapshot {id}'s checksum list does not match its signature: the list or the signature was changed behind the app's back."],
            };
        }

        var problems = new List<string>();
        var listed = Encoding.UTF8.GetString(s.Checksums).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(line => line[66..], line => line[..64], StringComparer.Ordinal);
        void Compare(string name, string? actual)
        {
            if (!listed.Remove(name, out var expected))
            {
                problems.Add($"Snapshot {id}'s {name} is stored but not in its signed checksum list: it was added behind the app's back.");
            }
            else if (actual is null)
            {
                problems.Add($"Snapshot {id}'s {name} is in its signed checksum list but no longer stored: it was removed behind the app's back.");
            }
            else if (actual != expected)
            {
                problems.Add($"Snapshot {id}'s {name} was changed behind the app's back: its SHA-256 is {actual}, its signed checksum list says {expected}.");
            }
        }

        var manifestHash = SnapshotManifest.Sha256(s.Manifest);
        var manifestHolds = listed.GetValueOrDefault(SnapshotManifest.ManifestFile) == manifestHash;
        Compare(SnapshotManifest.ManifestFile, manifestHash);
        Compare(SnapshotManifest.ChangelogFile, s.Changelog is null ? null : SnapshotManifest.Sha256(Encoding.UTF8.GetBytes(s.Changelog)));
        var stored = await db.Database.SqlQuery<StoredFileHash>(
                $"""SELECT "Name", encode(sha256("Content"), 'hex') AS "Sha256" FROM "SnapshotFiles" WHERE "SnapshotId" = {id} ORDER BY "Id" """)
            .ToListAsync(cancellationToken);
        foreach (var file in stored)
        {
            Compare(file.Name, file.Sha256);
        }

        foreach (var gone in listed.Keys.ToList())
        {
            Compare(gone, null);
        }

        if (!manifestHolds)
        {
            return new StoredSnapshot(id, s.StartedAtUtc, s.AuditHeadId, s.AuditHeadHash, false, problems);
        }

        using var manifest = JsonDocument.Parse(s.Manifest);
        var head = manifest.RootElement.GetProperty("audit_chain_head");
        long? signedHeadId = head.GetProperty("event").ValueKind == JsonValueKind.Number ? head.GetProperty("event").GetInt64() : null;
        var signedHeadHash = head.GetProperty("sha256").GetString();
        if (signedHeadId != s.AuditHeadId || signedHeadHash != s.AuditHeadHash)
        {
            problems.Add($"Snapshot {id}'s row names the audit chain head {s.AuditHeadId} {s.AuditHeadHash}, but its signed manifest published {signedHeadId} {signedHeadHash}: "
                + "the row was changed behind the app's back.");
        }

        return new StoredSnapshot(id, s.StartedAtUtc, signedHeadId, signedHeadHash, true, problems);
    }

    private sealed record StoredFileHash(string Name, string Sha256);
}
