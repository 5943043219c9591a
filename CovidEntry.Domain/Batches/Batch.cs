using CovidEntry.Domain.Entries;

namespace CovidEntry.Domain.Batches;

public enum BatchKind
{
    /// <summary>Comes from a shift: one entry per jurisdiction for the shift's data date.</summary>
    Daily,

    /// <summary>Corrects published history.</summary>
    Edit,

    /// <summary>Loads legacy spreadsheet history.</summary>
    Import,
}

public enum BatchStatus
{
    Open,
    Published,
}

/// <summary>What gets published at once.</summary>
public sealed class Batch
{
    private readonly List<Entry> _entries = [];

    private Batch()
    {
    }

    private Batch(BatchKind kind, string createdByUserId, DateTime nowUtc)
    {
        Kind = kind;
        CreatedByUserId = createdByUserId;
        CreatedAtUtc = nowUtc;
        Status = BatchStatus.Open;
    }

    public const int NoteMaxLength = 2000;

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public BatchKind Kind { get; private set; }
    public BatchStatus Status { get; private set; }
    public string CreatedByUserId { get; private set; } = "";
    public DateTime CreatedAtUtc { get; private set; }
    public string? PublishedByUserId { get; private set; }
    public DateTime? PublishedAtUtc { get; private set; }

    /// <summary>Why the batch exists: an import's file, an edit's reason. Published with the batch.</summary>
    public string? Note { get; private set; }

    public IReadOnlyList<Entry> Entries => _entries;

    public static Batch Daily(DateOnly dataDate, IEnumerable<string> jurisdictionCodes, string createdByUserId, DateTime nowUtc)
    {
        var codes = jurisdictionCodes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (codes.Count == 0)
        {
            throw new DomainException("Pick at least one jurisdiction for the shift.");
        }

        var batch = new Batch(BatchKind.Daily, createdByUserId, nowUtc);
        batch._entries.AddRange(codes.Select(code => new Entry(batch.Id, code, dataDate)));
        return batch;
    }

    /// <summary>A batch that loads legacy history; its values come from a validated file, not from passes.</summary>
    public static Batch Import(string note, string createdByUserId, DateTime nowUtc)
    {
        if (string.IsNullOrWhiteSpace(note))
        {
            throw new DomainException("An import needs a note saying where its data comes from.");
        }

        return new Batch(BatchKind.Import, createdByUserId, nowUtc) { Note = note.Trim()[..Math.Min(note.Trim().Length, NoteMaxLength)] };
    }

    public Entry Entry(Guid entryId) =>
        _entries.SingleOrDefault(e => e.Id == entryId) ?? throw new DomainException("That entry is not part of this batch.");

    /// <summary>Why this user may not publish the batch now, or null when they may.</summary>
    public string? WhyCannotPublish(string userId)
    {
        if (Status == BatchStatus.Published)
        {
            return "This batch is already published; nothing was published again.";
        }

        var unverified = _entries.Where(e => e.Status != EntryStatus.Verified).Select(e => e.JurisdictionCode).ToList();
        if (unverified.Count > 0)
        {
            return $"Every entry must be verified before publishing. Not yet verified: {string.Join(", ", unverified)}.";
        }

        var ownPasses = _entries.Where(e => e.Passes.Any(p => p.UserId == userId)).Select(e => e.JurisdictionCode).ToList();
        if (ownPasses.Count > 0)
        {
            return $"You entered passes in this batch ({string.Join(", ", ownPasses)}), so another lead must publish it.";
        }

        return null;
    }

    public void MarkPublished(string userId, DateTime nowUtc)
    {
        if (WhyCannotPublish(userId) is { } reason)
        {
            throw new DomainException(reason);
        }

        Status = BatchStatus.Published;
        PublishedByUserId = userId;
        PublishedAtUtc = nowUtc;
    }
}
