using CovidEntry.Domain.Batches;
using CovidEntry.Domain.Entries;

namespace CovidEntry.Domain.Shifts;

public enum ShiftState
{
    Open,
    InReview,
    Published,
    Closed,
}

/// <summary>A dated working session with a lead, whose work is one daily batch.</summary>
public sealed class Shift
{
    public const int LabelMaxLength = 100;
    public const int HandoffMaxLength = 4000;

    private Shift()
    {
    }

    public Shift(string label, DateOnly dataDate, string leadUserId, Guid batchId, DateTime nowUtc)
    {
        if (string.IsNullOrWhiteSpace(label))
        {
            throw new DomainException("Give the shift a name, for example \"2026-11-23 evening\".");
        }

        if (label.Length > LabelMaxLength)
        {
            throw new DomainException($"A shift name can be at most {LabelMaxLength} characters.");
        }

        Label = label.Trim();
        DataDate = dataDate;
        LeadUserId = leadUserId;
        BatchId = batchId;
        OpenedAtUtc = nowUtc;
        State = ShiftState.Open;
    }

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public string Label { get; private set; } = "";
    public DateOnly DataDate { get; private set; }
    public string LeadUserId { get; private set; } = "";
    public Guid BatchId { get; private set; }
    public ShiftState State { get; private set; }
    public DateTime OpenedAtUtc { get; private set; }
    public DateTime? ClosedAtUtc { get; private set; }

    /// <summary>What the next shift should know (a source that moved, a lead to follow up), written by this shift's lead.</summary>
    public string? HandoffNote { get; private set; }

    public void WriteHandoff(string? note)
    {
        if (State == ShiftState.Closed)
        {
            throw new DomainException("The shift is closed; its handoff note is final.");
        }

        if (note?.Length > HandoffMaxLength)
        {
            throw new DomainException($"A handoff note can be at most {HandoffMaxLength:#,0} characters.");
        }

        HandoffNote = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
    }

    public bool AcceptsPasses => State == ShiftState.Open;

    public void EnsureAcceptsPasses()
    {
        if (!AcceptsPasses)
        {
            throw new DomainException($"The shift \"{Label}\" is {Describe(State)}; passes can no longer be entered.");
        }
    }

    /// <summary>Whether its entries may still change (reconciled, approved, unapproved): until it is published.</summary>
    public bool EntriesCanChange => State is ShiftState.Open or ShiftState.InReview;

    /// <param name="what">What can no longer happen, e.g. "its entries can no longer change".</param>
    public void EnsureEntriesCanChange(string what = "its entries can no longer change")
    {
        if (!EntriesCanChange)
        {
            throw new DomainException($"The shift is {Describe(State)}; {what}.");
        }
    }

    public void BeginReview(Batch batch)
    {
        EnsureIn(ShiftState.Open, "sent to review");
        var unverified = batch.Entries.Where(e => e.Status != EntryStatus.Verified).Select(e => e.JurisdictionCode).ToList();
        if (unverified.Count > 0)
        {
            throw new DomainException($"Every entry must be verified before review. Not yet verified: {string.Join(", ", unverified)}.");
        }

        State = ShiftState.InReview;
    }

    public void Reopen()
    {
        EnsureIn(ShiftState.InReview, "reopened");
        State = ShiftState.Open;
    }

    public void MarkPublished()
    {
        EnsureIn(ShiftState.InReview, "published");
        State = ShiftState.Published;
    }

    public void Close(DateTime? nowUtc = null)
    {
        EnsureIn(ShiftState.Published, "closed");
        State = ShiftState.Closed;
        ClosedAtUtc = nowUtc ?? DateTime.UtcNow;
    }

    public static string Describe(ShiftState state) => state switch
    {
        ShiftState.Open => "open",
        ShiftState.InReview => "in review",
        ShiftState.Published => "published",
        ShiftState.Closed => "closed",
        _ => state.ToString(),
    };

    private void EnsureIn(ShiftState expected, string action)
    {
        if (State != expected)
        {
            throw new DomainException($"The shift is {Describe(State)}; only a shift that is {Describe(expected)} can be {action}.");
        }
    }
}
