using System.Text.Json;
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
    string? AuditHeadHash = null);

public sealed record SnapshotDownload(string ContentType, byte[] Content, string Sha256, DateTime? MadeAtUtc = null);

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
            .Select(s => new { s.Id, s.State, s.Trigger, s.StartedAtUtc, s.FinishedAtUtc, s.LastVersionId, s.LastBatchId, s.Progress, s.Problems, s.RowsAdded, s.CellsChanged, s.AuditHeadId, s.AuditHeadHash })
            .ToListAsync(cancellationToken);
        var ids = snapshots.Select(s => s.Id).ToList();
        var files = (await db.SnapshotFiles.AsNoTracking().Where(f => ids.Contains(f.SnapshotId)).OrderBy(f => f.Id)
                .Select(f => new { f.SnapshotId, Info = new SnapshotFileInfo(f.Name, f.ContentType, f.Size, f.Rows, f.Sha256) })
                .ToListAsync(cancellationToken))
            .ToLookup(f => f.SnapshotId, f => f.Info);
        return snapshots.Select(s => new SnapshotSummary(s.Id, s.State, s.Trigger, s.StartedAtUtc, s.FinishedAtUtc, s.LastVersionId, s.LastBatchId,
            s.Progress, s.Problems, s.RowsAdded, s.CellsChanged, files[s.Id].ToList(), s.AuditHeadId, s.AuditHeadHash)).ToList();
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

    /// <summary>The manifest of a published snapshot: its files with sizes, row counts and SHA-256 sums.</summary>
    public async Task<string?> ManifestAsync(Guid snapshotId, CancellationToken cancellationToken = default)
    {
        var snapshot = await PublishedAsync(snapshotId, cancellationToken);
        if (snapshot is null)
        {
            return null;
        }

        return JsonSerializer.Serialize(new
        {
            snapshot = snapshot.Id,
            made_at = snapshot.FinishedAtUtc,
            last_batch = snapshot.LastBatchId,
            last_version = snapshot.LastVersionId,
            audit_chain_head = new { @event = snapshot.AuditHeadId, sha256 = snapshot.AuditHeadHash },
            files = snapshot.Files.Select(f => new { name = f.Name, content_type = f.ContentType, size = f.Size, rows = f.Rows, sha256 = f.Sha256 }),
        }, new JsonSerializerOptions { WriteIndented = true });
    }

    public async Task<string?> ChangelogAsync(Guid snapshotId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Snapshots.Where(s => s.Id == snapshotId && s.State == SnapshotState.Published).Select(s => s.Changelog).SingleOrDefaultAsync(cancellationToken);
    }
}
