using CovidEntry.Domain.Batches;
using CovidEntry.Domain.Quality;

namespace CovidEntry.Domain.Snapshots;

public enum SnapshotState
{
    /// <summary>Being made; its progress is on record so any app instance can show it.</summary>
    Making,

    /// <summary>Passed every check: public, immutable.</summary>
    Published,

    /// <summary>A check failed: never public; the problems say why.</summary>
    Refused,

    /// <summary>Making it broke (an error, not a check): never public.</summary>
    Failed,
}

/// <summary>
/// An immutable export of published history, pinned to the newest version it includes. It
/// becomes public only if its checks pass (fail closed).
/// </summary>
public sealed class Snapshot
{
    public const int ProgressMaxLength = 200;

    /// <summary>A signing key's fingerprint: the SHA-256 of its public key, in hex.</summary>
    public const int SigningKeyLength = 64;

    private readonly List<SnapshotFile> _files = [];

    private Snapshot()
    {
    }

    private Snapshot(string trigger, string? requestedByUserId, long lastVersionId, Guid? lastBatchId, DateTime nowUtc)
    {
        Trigger = trigger;
        RequestedByUserId = requestedByUserId;
        LastVersionId = lastVersionId;
        LastBatchId = lastBatchId;
        StartedAtUtc = nowUtc;
        State = SnapshotState.Making;
        Progress = "Starting";
    }

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public SnapshotState State { get; private set; }

    /// <summary>"scheduled" or "on demand".</summary>
    public string Trigger { get; private set; } = "";

    public string? RequestedByUserId { get; private set; }
    public DateTime StartedAtUtc { get; private set; }
    public DateTime? FinishedAtUtc { get; private set; }

    /// <summary>The newest value version the snapshot includes: its files are a function of it.</summary>
    public long LastVersionId { get; private set; }

    /// <summary>The most recently published batch the snapshot includes.</summary>
    public Guid? LastBatchId { get; private set; }

    public string Progress { get; private set; } = "";

    /// <summary>Why the snapshot was refused or failed, one problem a line.</summary>
    public string? Problems { get; private set; }

    /// <summary>What changed since the previous published snapshot, as JSON.</summary>
    public string? Changelog { get; private set; }

    public Guid? PreviousSnapshotId { get; private set; }

    /// <summary>Jurisdiction-days new since the previous snapshot (the changelog's count).</summary>
    public int RowsAdded { get; private set; }

    /// <summary>Published values changed since the previous snapshot (the changelog's count).</summary>
    public int CellsChanged { get; private set; }

    public IReadOnlyList<SnapshotFile> Files => _files;

    /// <summary>The manifest as published: the exact bytes of manifest.json. Null for a snapshot made before signing.</summary>
    public byte[]? Manifest { get; private set; }

    /// <summary>The checksum list as published, in sha256sum's format: the exact bytes of SHA256SUMS, which the signature covers.</summary>
    public byte[]? Checksums { get; private set; }

    /// <summary>The fingerprint of the public key whose private half signed <see cref="Checksums"/>.</summary>
    public string? SigningKey { get; private set; }

    /// <summary>The signature over <see cref="Checksums"/>, as served in SHA256SUMS.sig.</summary>
    public byte[]? Signature { get; private set; }

    public bool IsSigned => Signature is not null;

    public static Snapshot Start(string trigger, string? requestedByUserId, long lastVersionId, Guid? lastBatchId, DateTime nowUtc) =>
        new(trigger, requestedByUserId, lastVersionId, lastBatchId, nowUtc);

    /// <summary>
    /// The audit chain's newest event when the snapshot started: published in the manifest, it is
    /// an anchor outside the database that a later rewrite of the trail could not match.
    /// </summary>
    public long? AuditHeadId { get; private set; }

    public string? AuditHeadHash { get; private set; }

    public void AnchorAuditChain(long? headId, string headHash)
    {
        EnsureMaking();
        AuditHeadId = headId;
        AuditHeadHash = headHash;
    }

    public void Report(string progress)
    {
        EnsureMaking();
        Progress = progress.Length > ProgressMaxLength ? progress[..ProgressMaxLength] : progress;
    }

    /// <summary>
    /// Publishes the snapshot with its files, signed by <paramref name="sign"/> once everything its
    /// manifest describes is set, or refuses it (unsigned) when any check found a problem.
    /// </summary>
    public void Finish(IReadOnlyList<SnapshotFile> files, string changelog, int rowsAdded, int cellsChanged, Guid? previousSnapshotId,
        IReadOnlyList<string> problems, DateTime nowUtc, Func<Snapshot, SnapshotSignature> sign)
    {
        EnsureMaking();
        FinishedAtUtc = nowUtc;
        PreviousSnapshotId = previousSnapshotId;
        Changelog = changelog;
        RowsAdded = rowsAdded;
        CellsChanged = cellsChanged;
        if (problems.Count > 0)
        {
            State = SnapshotState.Refused;
            Problems = string.Join('\n', problems);
            Progress = "Refused by its checks";
            return;
        }

        if (files.Count == 0)
        {
            throw new DomainException("A snapshot needs its files.");
        }

        _files.AddRange(files);
        var signed = sign(this);
        if (signed.Manifest.Length == 0 || signed.Checksums.Length == 0 || signed.Signature.Length == 0 || signed.SigningKey.Length != SigningKeyLength)
        {
            throw new DomainException("A published snapshot needs its manifest, its checksum list and a signature naming its key.");
        }

        Manifest = signed.Manifest;
        Checksums = signed.Checksums;
        SigningKey = signed.SigningKey;
        Signature = signed.Signature;
        State = SnapshotState.Published;
        Progress = "Published";
    }

    public void Fail(string problem, DateTime nowUtc)
    {
        EnsureMaking();
        State = SnapshotState.Failed;
        Problems = problem;
        FinishedAtUtc = nowUtc;
        Progress = "Failed";
    }

    private void EnsureMaking()
    {
        if (State != SnapshotState.Making)
        {
            throw new DomainException("This snapshot is finished; snapshots never change once made.");
        }
    }
}

/// <summary>One file of a snapshot: its bytes and what the manifest says of them.</summary>
public sealed class SnapshotFile
{
    public const int NameMaxLength = 100;

    private SnapshotFile()
    {
    }

    public SnapshotFile(string name, string contentType, long rows, byte[] content)
    {
        Name = name;
        ContentType = contentType;
        Rows = rows;
        Content = content;
        Size = content.LongLength;
        Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content));
    }

    public long Id { get; private set; }
    public Guid SnapshotId { get; private set; }
    public string Name { get; private set; } = "";
    public string ContentType { get; private set; } = "";
    public long Size { get; private set; }
    public long Rows { get; private set; }
    public string Sha256 { get; private set; } = "";
    public byte[] Content { get; private set; } = [];
}

/// <summary>
/// What lets anyone check a snapshot with only its files: the manifest and the checksum list exactly
/// as published, and the signature over the list by a key the database never holds.
/// </summary>
public sealed record SnapshotSignature(byte[] Manifest, byte[] Checksums, string SigningKey, byte[] Signature);

/// <summary>What the checks know of a snapshot's main file.</summary>
public sealed record SnapshotFacts(IReadOnlyList<string> StatesDailyColumns, long StatesDailyRows);

/// <summary>A published cumulative value that is lower now than in the previous snapshot.</summary>
public sealed record CumulativeDecrease(string State, DateOnly Date, string Metric, long Before, long Now, BatchKind Kind, Guid BatchId);

/// <summary>
/// The checks a snapshot must pass before it is public. Fail closed: any problem refuses it.
/// </summary>
public static class SnapshotChecks
{
    public static IReadOnlyList<string> Problems(
        SnapshotFacts? previous,
        SnapshotFacts current,
        IReadOnlyList<string> expectedStatesDailyColumns,
        IEnumerable<CumulativeDecrease> decreases,
        IReadOnlyList<MutedWarning>? mutedWarnings = null)
    {
        var problems = new List<string>();
        if (!current.StatesDailyColumns.SequenceEqual(expectedStatesDailyColumns))
        {
            problems.Add($"The states daily file's columns are not the expected ones: {string.Join(",", current.StatesDailyColumns)}.");
        }

        if (previous is not null)
        {
            var dropped = previous.StatesDailyColumns.Except(current.StatesDailyColumns).ToList();
            if (dropped.Count > 0)
            {
                problems.Add($"Columns the previous snapshot had are gone: {string.Join(", ", dropped)}. Consumers of the files would break.");
            }

            if (current.StatesDailyRows < previous.StatesDailyRows)
            {
                problems.Add($"The states daily file has {current.StatesDailyRows:#,0} rows, fewer than the previous snapshot's {previous.StatesDailyRows:#,0}.");
            }
        }

        // A published total may only go down through an edit batch, whose note says why, or where
        // leads muted the warning on the shared list (with their reason).
        var muted = mutedWarnings ?? [];
        foreach (var decrease in decreases.Where(d => d.Kind != BatchKind.Edit
                     && !muted.Any(s => s.Mutes(new QcWarning(QcRule.CumulativeDecrease, d.Metric, ""), d.State, d.Date))))
        {
            problems.Add($"{decrease.State} {decrease.Date:yyyy-MM-dd} {decrease.Metric} fell from {decrease.Before:#,0} to {decrease.Now:#,0} "
                + $"in a {decrease.Kind.ToString().ToLowerInvariant()} batch ({decrease.BatchId}); only an edit batch, with its note, may lower a cumulative value.");
        }

        return problems;
    }
}
