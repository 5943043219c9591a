using CovidEntry.App.Data;
using CovidEntry.Domain.Snapshots;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Snapshots;

public sealed record SnapshotFileInfo(string Name, string ContentType, long Size, long Rows, string Sha256);

public sealed record SnapshotSummary(
    Guid Id,
    SnapshotState State,
    string Trigger,
    DateTime StartedAtUtc,
    DateTime? FinishedAtUtc,
    long LastVersionId,
    Guid? LastBatchId,
    string Progress,
    string? Problems,
    int RowsAdded,
    int CellsChanged,
    IReadOnlyList<SnapshotFileInfo> Files,
    long? AuditHeadId = null,
    string? AuditHeadHash = null,
    string? SigningKey = null)
{
    /// <summary>Made before snapshots were signed: no SHA256SUMS, no signature.</summary>
    public bool IsSigned => SigningKey is not null;
}

public sealed record SnapshotDownload(string ContentType, byte[] Content, string Sha256, DateTime? MadeAtUtc = null);

/// <summary>A signed snapshot's checksum list, its signature and the fingerprint of the key that made it.</summary>
public sealed record SnapshotSignatureFiles(byte[] Checksums, byte[] Signature, string SigningKey);

/// <summary>Reads snapshots: what the public sees (published only) and what the admin sees (all).</summary>
public sealed class SnapshotQueries(IDbContextFactory<CovidEntryDbContext> dbFactory)
{
    public Task<IReadOnlyList<SnapshotSummary>> ListAsync(bool publishedOnly, int take = 100, CancellationToken cancellationToken = default) =>
        SummariesAsync(s => !publishedOnly || s.State == SnapshotState.Published, take, cancellationToken);

    /// <summary>One published snapshot, or null.</summary>
    public async Task<SnapshotSummary?> PublishedAsync(Guid snapshotId, CancellationToken cancellationToken = default) =>
        (await SummariesAsync(s => s.Id == snapshotId && s.State == SnapshotState.Published, 1, cancellationToken)).SingleOrDefault();

    private async Task<IReadOnlyList<SnapshotSummary>> SummariesAsync(System.Linq.Expressions.Expression<Func<Snapshot, bool>> which, int take, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var snapshots = await db.Snapshots.AsNoTracking().Where(which)
            .OrderByDescending(s => s.StartedAtUtc).Take(take)
            .Select(s => new { s.Id, s.State, s.Trigger, s.StartedAtUtc, s.FinishedAtUtc, s.LastVersionId, s.LastBatchId, s.Progress, s.Problems, s.RowsAdded, s.CellsChanged, s.AuditHeadId, s.AuditHeadHash, s.SigningKey })
            .ToListAsync(cancellationToken);
        var ids = snapshots.Select(s => s.Id).ToList();
        var files = (await db.SnapshotFiles.AsNoTracking().Where(f => ids.Contains(f.SnapshotId)).OrderBy(f => f.Id)
                .Select(f => new { f.SnapshotId, Info = new SnapshotFileInfo(f.Name, f.ContentType, f.Size, f.Rows, f.Sha256) })
                .ToListAsync(cancellationToken))
            .ToLookup(f => f.SnapshotId, f => f.Info);
        return snapshots.Select(s => new SnapshotSummary(s.Id, s.State, s.Trigger, s.StartedAtUtc, s.FinishedAtUtc, s.LastVersionId, s.LastBatchId,
            s.Progress, s.Problems, s.RowsAdded, s.CellsChanged, files[s.Id].ToList(), s.AuditHeadId, s.AuditHeadHash, s.SigningKey)).ToList();
    }

    public async Task<bool> IsPublishedAsync(Guid snapshotId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Snapshots.AnyAsync(s => s.Id == snapshotId && s.State == SnapshotState.Published, cancellationToken);
    }

    public async Task<SnapshotSummary?> MakingAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var making = await db.Snapshots.AsNoTracking().Where(s => s.State == SnapshotState.Making)
            .Select(s => new SnapshotSummary(s.Id, s.State, s.Trigger, s.StartedAtUtc, null, s.LastVersionId, s.LastBatchId, s.Progress, null, 0, 0, new List<SnapshotFileInfo>()))
            .FirstOrDefaultAsync(cancellationToken);
        return making;
    }

    public async Task<Guid?> LatestPublishedAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Snapshots.Where(s => s.State == SnapshotState.Published)
            .OrderByDescending(s => s.LastVersionId).Select(s => (Guid?)s.Id).FirstOrDefaultAsync(cancellationToken);
    }

    public async Task<SnapshotDownload?> FileAsync(Guid snapshotId, string name, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.SnapshotFiles.AsNoTracking()
            .Where(f => f.SnapshotId == snapshotId && f.Name == name
                && db.Snapshots.Any(s => s.Id == snapshotId && s.State == SnapshotState.Published))
            .Select(f => new SnapshotDownload(f.ContentType, f.Content, f.Sha256, db.Snapshots.Where(s => s.Id == snapshotId).Select(s => s.FinishedAtUtc).Single()))
            .SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// The manifest of a published snapshot: its files with sizes, row counts and SHA-256 sums. A
    /// signed snapshot's is the stored bytes its signed checksum list covers; one made before
    /// signing is written from its rows.
    /// </summary>
    public async Task<byte[]?> ManifestAsync(Guid snapshotId, CancellationToken cancellationToken = default)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var stored = await db.Snapshots.Where(s => s.Id == snapshotId && s.State == SnapshotState.Published)
                .Select(s => new { s.Manifest }).SingleOrDefaultAsync(cancellationToken);
            if (stored is null)
            {
                return null;
            }

            if (stored.Manifest is not null)
            {
                return stored.Manifest;
            }
        }

        var snapshot = (await PublishedAsync(snapshotId, cancellationToken))!;
        return SnapshotManifest.Json(snapshot.Id, snapshot.FinishedAtUtc, snapshot.LastBatchId, snapshot.LastVersionId, snapshot.AuditHeadId, snapshot.AuditHeadHash,
            snapshot.Files, signedBy: null);
    }

    /// <summary>A published snapshot's checksum list and signature; null when there is no such snapshot or it was made before signing.</summary>
    public async Task<SnapshotSignatureFiles?> SignatureAsync(Guid snapshotId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Snapshots.Where(s => s.Id == snapshotId && s.State == SnapshotState.Published && s.Signature != null)
            .Select(s => new SnapshotSignatureFiles(s.Checksums!, s.Signature!, s.SigningKey!))
            .SingleOrDefaultAsync(cancellationToken);
    }

    public async Task<string?> ChangelogAsync(Guid snapshotId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Snapshots.Where(s => s.Id == snapshotId && s.State == SnapshotState.Published).Select(s => s.Changelog).SingleOrDefaultAsync(cancellationToken);
    }
}
