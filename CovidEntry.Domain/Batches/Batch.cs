using CovidEntry.Domain.Entries;
using CovidEntry.Domain.History;

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
    private readonly List<EditedCell> _edits = [];

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
    public const int LinkMaxLength = 2000;

    /// <summary>The longest date range one edit batch may cover: a grid a lead can still read.</summary>
    public const int MaxEditDays = 62;

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public BatchKind Kind { get; private set; }
    public BatchStatus Status { get; private set; }
    public string CreatedByUserId { get; private set; } = "";
    public DateTime CreatedAtUtc { get; private set; }
    public string? PublishedByUserId { get; private set; }
    public DateTime? PublishedAtUtc { get; private set; }

    /// <summary>Why the batch exists: an import's file, an edit's reason. Published with the batch.</summary>
    public string? Note { get; private set; }

    /// <summary>A web page that backs an edit (the source's own correction notice, say).</summary>
    public string? Link { get; private set; }

    /// <summary>What an edit batch may change: one jurisdiction over a date range.</summary>
    public string? EditJurisdictionCode { get; private set; }

    public DateOnly? EditFrom { get; private set; }
    public DateOnly? EditTo { get; private set; }

    public IReadOnlyList<Entry> Entries => _entries;

    /// <summary>The cells an edit batch changes, each with the value it replaces.</summary>
    public IReadOnlyList<EditedCell> Edits => _edits;

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

    /// <summary>
    /// A batch that corrects published history for one jurisdiction over a date range. It needs a
    /// note saying why; it is published only by another lead or an admin (four eyes).
    /// </summary>
    public static Batch Edit(string jurisdictionCode, DateOnly from, DateOnly to, string note, string? link, string createdByUserId, DateTime nowUtc)
    {
        if (to < from)
        {
            throw new DomainException("The end date comes before the start date.");
        }

        if (to.DayNumber - from.DayNumber + 1 > MaxEditDays)
        {
            throw new DomainException($"An edit batch covers at most {MaxEditDays} days; split the correction into several batches.");
        }

        var batch = new Batch(BatchKind.Edit, createdByUserId, nowUtc)
        {
            EditJurisdictionCode = jurisdictionCode,
            EditFrom = from,
            EditTo = to,
        };
        batch.Describe(note, link);
        return batch;
    }

    /// <summary>Sets why an edit is made, and the page that backs it.</summary>
    public void Describe(string note, string? link)
    {
        EnsureOpen();
        if (string.IsNullOrWhiteSpace(note))
        {
            throw new DomainException("Say why history is being corrected: an edit batch needs a note.");
        }

        if (note.Trim().Length > NoteMaxLength)
        {
            throw new DomainException($"A note can be at most {NoteMaxLength:#,0} characters.");
        }

        link = string.IsNullOrWhiteSpace(link) ? null : link.Trim();
        if (link is not null && (link.Length > LinkMaxLength || !Uri.TryCreate(link, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            throw new DomainException("The link must be a web address starting with http:// or https://.");
        }

        Note = note.Trim();
        Link = link;
    }

    /// <summary>
    /// Changes one cell of an edit batch. <paramref name="published"/> is the cell's latest
    /// published reading. Setting a cell back to that reading drops the change; an edit that
    /// changes nothing is refused.
    /// </summary>
    public void EditCell(CellKey cell, Reading published, Reading value)
    {
        EnsureOpen();
        if (Kind != BatchKind.Edit)
        {
            throw new DomainException("Only an edit batch changes published cells directly.");
        }

        if (cell.JurisdictionCode != EditJurisdictionCode || cell.DataDate < EditFrom || cell.DataDate > EditTo)
        {
            throw new DomainException($"This edit batch covers {EditJurisdictionCode} from {EditFrom:yyyy-MM-dd} to {EditTo:yyyy-MM-dd} only.");
        }

        var existing = _edits.FindIndex(e => e.Cell == cell);
        if (value == published)
        {
            if (existing < 0)
            {
                throw new DomainException($"{cell.MetricKey} on {cell.DataDate:yyyy-MM-dd} is already {Describe(value)}: there is nothing to change.");
            }

            _edits.RemoveAt(existing);
            return;
        }

        if (existing < 0)
        {
            _edits.Add(new EditedCell(cell, published, value));
        }
        else
        {
            _edits[existing].Change(published, value);
        }
    }

    /// <summary>Changes one cell to a number or to empty (not reported).</summary>
    public void EditCell(CellKey cell, long? published, long? value) => EditCell(cell, new Reading(published), new Reading(value));

    /// <summary>The values an edit batch publishes.</summary>
    public IEnumerable<KeyValuePair<CellKey, Reading>> EditedValues() => _edits.Select(e => KeyValuePair.Create(e.Cell, e.Reading));

    /// <summary>
    /// The values publishing this batch offers the history: a daily batch's agreed values of each
    /// entry, an edit batch's changed cells. An import is published by the import itself, from its file.
    /// </summary>
    public IReadOnlyList<KeyValuePair<CellKey, Reading>> PublishedValues() => Kind switch
    {
        BatchKind.Daily => _entries
            .SelectMany(e => e.PublishableValues().Select(v => KeyValuePair.Create(new CellKey(e.JurisdictionCode, e.DataDate, v.Key), (Reading)v.Value)))
            .ToList(),
        BatchKind.Edit => EditedValues().ToList(),
        _ => throw new DomainException("An import batch is published by its import."),
    };

    /// <summary>
    /// The jurisdiction-days this batch reports when it is published: every entry of a daily batch,
    /// whatever its values (two blind passes that agree nothing was filled in, approved by a lead,
    /// report the day with nothing filled in). An edit batch reports none: it corrects the values
    /// of days, and a value it gives a day makes that day exist anyway. An import's days are its file's rows.
    /// </summary>
    public IEnumerable<DayKey> ReportedDays() =>
        Kind == BatchKind.Daily ? _entries.Select(e => new DayKey(e.JurisdictionCode, e.DataDate)) : [];

    private static string Describe(Reading reading) => reading.Value?.ToString("#,0", System.Globalization.CultureInfo.InvariantCulture)
        ?? reading.ReasonIfEmpty switch
        {
            MissingReason.NotApplicable => "not applicable",
            MissingReason.RemovedBySource => "removed by the source",
            MissingReason.Suppressed => "suppressed",
            _ => "empty",
        };

    public Entry Entry(Guid entryId) =>
        _entries.SingleOrDefault(e => e.Id == entryId) ?? throw new DomainException("That entry is not part of this batch.");

    /// <summary>Why this user may not publish the batch now, or null when they may.</summary>
    public string? WhyCannotPublish(string userId)
    {
        if (Status == BatchStatus.Published)
        {
            return "This batch is already published; nothing was published again.";
        }

        if (Kind == BatchKind.Edit)
        {
            return WhyCannotPublishEdit(userId);
        }

        var unverified = _entries.Where(e => e.Status != EntryStatus.Verified).Select(e => e.JurisdictionCode).ToList();
        if (unverified.Count > 0)
        {
            return $"Every entry must be verified before publishing. Not yet verified: {string.Join(", ", unverified)}.";
        }

        var unapproved = _entries.Where(e => e.ApprovedByUserId is null).Select(e => e.JurisdictionCode).Order(StringComparer.Ordinal).ToList();
        if (unapproved.Count > 0)
        {
            return $"Every entry must be approved before publishing. Not yet approved: {string.Join(", ", unapproved)}.";
        }

        var ownPasses = _entries.Where(e => e.Passes.Any(p => p.UserId == userId)).Select(e => e.JurisdictionCode).ToList();
        if (ownPasses.Count > 0)
        {
            return $"You entered passes in this batch ({string.Join(", ", ownPasses)}), so another lead must publish it.";
        }

        return null;
    }

    /// <summary>
    /// Approves every verified entry that raised no warning and that the lead did not enter;
    /// entries with warnings are approved one by one, after their reasons are read.
    /// </summary>
    public IReadOnlyList<string> ApproveAllWithoutWarnings(string leadUserId, DateTime nowUtc)
    {
        EnsureOpen();
        var approvable = _entries
            .Where(e => e.Status == EntryStatus.Verified && e.ApprovedByUserId is null && !e.HasWarnings && !e.DidAnyPass(leadUserId))
            .ToList();
        foreach (var entry in approvable)
        {
            entry.Approve(leadUserId, nowUtc);
        }

        return approvable.Select(e => e.JurisdictionCode).Order(StringComparer.Ordinal).ToList();
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

    private string? WhyCannotPublishEdit(string userId)
    {
        if (_edits.Count == 0)
        {
            return "This edit batch changes no cell; there is nothing to publish.";
        }

        if (string.IsNullOrWhiteSpace(Note))
        {
            return "An edit batch needs a note saying why history is corrected.";
        }

        if (userId == CreatedByUserId)
        {
            return "You made this edit, so another lead or an admin must approve and publish it.";
        }

        return null;
    }

    private void EnsureOpen()
    {
        if (Status == BatchStatus.Published)
        {
            throw new DomainException("This batch is published; published history changes only through a new edit batch.");
        }
    }
}

/// <summary>One cell an edit batch changes: the published value it replaces and the new one.</summary>
public sealed class EditedCell
{
    private EditedCell()
    {
    }

    internal EditedCell(CellKey cell, Reading previous, Reading value)
    {
        JurisdictionCode = cell.JurisdictionCode;
        DataDate = cell.DataDate;
        MetricKey = cell.MetricKey;
        Change(previous, value);
    }

    public string JurisdictionCode { get; private set; } = "";
    public DateOnly DataDate { get; private set; }
    public string MetricKey { get; private set; } = "";

    /// <summary>The published value when the edit was made.</summary>
    public long? Previous { get; private set; }

    public MissingReason? PreviousMissing { get; private set; }

    public long? Value { get; private set; }

    /// <summary>Why the new value is empty, when it is not simply "not reported".</summary>
    public MissingReason? Missing { get; private set; }

    public CellKey Cell => new(JurisdictionCode, DataDate, MetricKey);

    public Reading PreviousReading => new(Previous, PreviousMissing);

    public Reading Reading => new(Value, Missing);

    internal void Change(Reading previous, Reading value)
    {
        Previous = previous.Value;
        PreviousMissing = previous.Missing;
        Value = value.Value;
        Missing = value.Missing;
    }
}
