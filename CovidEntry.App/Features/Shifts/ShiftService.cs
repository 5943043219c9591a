using CovidEntry.App.Data;
using CovidEntry.App.Features.Access;
using CovidEntry.App.Features.Alerts;
using CovidEntry.App.Shared;
using CovidEntry.Domain;
using CovidEntry.Domain.Batches;
using CovidEntry.Domain.Entries;
using CovidEntry.Domain.Shifts;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Shifts;

public sealed record ShiftRow(Guid Id, string Label, DateOnly DataDate, ShiftState State, string Lead, int Entries, int Verified);

public sealed record ShiftEntryRow(
    Guid EntryId,
    string Code,
    string Name,
    string? FirstPassUserId,
    string? SecondPassUserId,
    bool FirstPassSubmitted,
    bool SecondPassSubmitted,
    EntryStatus Status,
    DateTime? FirstPassClaimedAtUtc = null,
    DateTime? SecondPassClaimedAtUtc = null,
    bool Approved = false);

public sealed record ShiftDetail(Guid Id, string Label, DateOnly DataDate, ShiftState State, string LeadName, Guid BatchId, IReadOnlyList<ShiftEntryRow> Entries)
{
    public string? HandoffNote { get; init; }

    /// <summary>The note the shift before this one left for it.</summary>
    public Handoff? PreviousHandoff { get; init; }

    public Coverage Coverage { get; init; } = new(0, 0, 0, 0, 0);

    /// <summary>Once the batch is published: what the shift did.</summary>
    public ShiftSummary? Summary { get; init; }
}

public sealed record Handoff(string ShiftLabel, string LeadName, DateTime OpenedAtUtc, string Note);

/// <summary>The shift's progress: jurisdictions published for its date of those planned, and where the rest stand.</summary>
public sealed record Coverage(int Planned, int PublishedForDate, int PassesIn, int Verified, int Approved);

public sealed class ShiftService(
    IDbContextFactory<CovidEntryDbContext> dbFactory, UserDirectory users, AlertQueue alerts, ActingPerson acting, Features.Entries.QueueSignal queue, TimeProvider clock, ILogger<ShiftService> logger)
{
    public async Task<IReadOnlyList<ShiftRow>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await (from shift in db.Shifts
                          join batch in db.Batches on shift.BatchId equals batch.Id
                          orderby shift.DataDate descending, shift.OpenedAtUtc descending
                          select new
                          {
                              shift.Id,
                              shift.Label,
                              shift.DataDate,
                              shift.State,
                              shift.LeadUserId,
                              Entries = batch.Entries.Count,
                              Verified = batch.Entries.Count(e => e.Status == EntryStatus.Verified),
                          }).Take(200).ToListAsync(cancellationToken);
        var names = await users.NamesAsync(rows.Select(r => r.LeadUserId), cancellationToken);
        return rows.Select(r => new ShiftRow(r.Id, r.Label, r.DataDate, r.State, names.GetValueOrDefault(r.LeadUserId, "?"), r.Entries, r.Verified)).ToList();
    }

    public async Task<Guid> OpenAsync(NewShiftForm form, string leadUserId, CancellationToken cancellationToken = default)
    {
        await acting.EnsureAsync(leadUserId, Policies.RunShifts, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var date = DateOnly.FromDateTime(form.DataDate ?? throw new DomainException("Pick the data date the shift collects."));
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var known = await db.Jurisdictions.Where(j => form.Jurisdictions.Contains(j.Code)).Select(j => j.Code).ToListAsync(cancellationToken);
        var unknown = form.Jurisdictions.Except(known).ToList();
        if (unknown.Count > 0)
        {
            throw new DomainException($"Unknown jurisdictions: {string.Join(", ", unknown)}.");
        }

        var batch = Batch.Daily(date, known, leadUserId, now);
        var shift = new Shift(form.Label, date, leadUserId, batch.Id, now);
        db.Batches.Add(batch);
        db.Shifts.Add(shift);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Shift {ShiftId} opened by {UserId} for {DataDate} with {Count} jurisdictions (batch {BatchId})", shift.Id, leadUserId, date, known.Count, batch.Id);
        queue.Changed();
        return shift.Id;
    }

    public async Task<ShiftDetail?> GetAsync(Guid shiftId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var shift = await db.Shifts.AsNoTracking().SingleOrDefaultAsync(s => s.Id == shiftId, cancellationToken);
        if (shift is null)
        {
            return null;
        }

        var entries = await (from entry in db.Entries.AsNoTracking()
                             join jurisdiction in db.Jurisdictions on entry.JurisdictionCode equals jurisdiction.Code
                             where entry.BatchId == shift.BatchId
                             orderby entry.JurisdictionCode
                             select new ShiftEntryRow(
                                 entry.Id,
                                 entry.JurisdictionCode,
                                 jurisdiction.Name,
                                 entry.FirstPassUserId,
                                 entry.SecondPassUserId,
                                 entry.Passes.Any(p => p.Number == 1),
                                 entry.Passes.Any(p => p.Number == 2),
                                 entry.Status,
                                 entry.FirstPassClaimedAtUtc,
                                 entry.SecondPassClaimedAtUtc,
                                 entry.ApprovedByUserId != null)).ToListAsync(cancellationToken);
        var previous = await db.Shifts.AsNoTracking()
            .Where(s => s.OpenedAtUtc < shift.OpenedAtUtc && s.HandoffNote != null)
            .OrderByDescending(s => s.OpenedAtUtc).FirstOrDefaultAsync(cancellationToken);
        var names = await users.NamesAsync([shift.LeadUserId, previous?.LeadUserId], cancellationToken);
        var codes = entries.Select(e => e.Code).ToList();
        var publishedForDate = await db.LatestValues
            .Where(v => codes.Contains(v.JurisdictionCode) && v.DataDate == shift.DataDate)
            .Select(v => v.JurisdictionCode).Distinct().CountAsync(cancellationToken);
        ShiftSummary? summary = null;
        if (shift.State is ShiftState.Published or ShiftState.Closed)
        {
            summary = await SummaryAsync(db, shift, cancellationToken);
        }

        return new ShiftDetail(shift.Id, shift.Label, shift.DataDate, shift.State, names.GetValueOrDefault(shift.LeadUserId, "?"), shift.BatchId, entries)
        {
            HandoffNote = shift.HandoffNote,
            PreviousHandoff = previous is null ? null : new Handoff(previous.Label, names.GetValueOrDefault(previous.LeadUserId, "?"), previous.OpenedAtUtc, previous.HandoffNote!),
            Coverage = new Coverage(
                entries.Count,
                publishedForDate,
                entries.Sum(e => (e.FirstPassSubmitted ? 1 : 0) + (e.SecondPassSubmitted ? 1 : 0)),
                entries.Count(e => e.Status == EntryStatus.Verified),
                entries.Count(e => e.Approved)),
            Summary = summary,
        };
    }

    /// <summary>
    /// Saves the handoff note. <paramref name="startedFrom"/> is the note the lead saw when they began
    /// (omit it to overwrite on purpose): if another lead saved a different one meanwhile, nothing is
    /// overwritten and the lead is told.
    /// </summary>
    public async Task WriteHandoffAsync(Guid shiftId, string? note, string leadUserId, CancellationToken cancellationToken = default, Optional<string?> startedFrom = default)
    {
        await acting.EnsureAsync(leadUserId, Policies.RunShifts, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var shift = await db.Shifts.SingleOrDefaultAsync(s => s.Id == shiftId, cancellationToken)
            ?? throw new DomainException("That shift does not exist.");
        if (startedFrom.HasValue && startedFrom.Value != shift.HandoffNote)
        {
            throw new DomainException($"Another lead changed the handoff note while you were writing, so yours was not saved. It now reads: “{shift.HandoffNote}”. Copy your words, reload, and merge them.");
        }

        shift.WriteHandoff(note);
        await db.SaveOrExplainAsync(cancellationToken);
        logger.LogInformation("Handoff note of shift {ShiftId} written by {UserId}", shiftId, leadUserId);
    }

    private static async Task<ShiftSummary> SummaryAsync(CovidEntryDbContext db, Shift shift, CancellationToken cancellationToken)
    {
        var batch = await db.Batches.AsNoTracking().AsSplitQuery().Include(b => b.Entries).ThenInclude(e => e.Passes)
            .SingleAsync(b => b.Id == shift.BatchId, cancellationToken);
        var values = await db.ValueVersions.CountAsync(v => v.BatchId == shift.BatchId, cancellationToken);
        return ShiftSummary.Of(shift, batch, values);
    }

    public async Task AssignAsync(Guid shiftId, Guid entryId, int passNumber, string? userId, string leadUserId, CancellationToken cancellationToken = default)
    {
        await acting.EnsureAsync(leadUserId, Policies.RunShifts, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var shift = await db.Shifts.SingleAsync(s => s.Id == shiftId, cancellationToken);
        shift.EnsureAcceptsPasses();
        var entry = await db.Entries.Include(e => e.Passes)
            .SingleOrDefaultAsync(e => e.Id == entryId && e.BatchId == shift.BatchId, cancellationToken)
            ?? throw new DomainException("That entry is not part of this shift.");
        entry.Assign(passNumber, userId, clock.GetUtcNow().UtcDateTime);
        await db.SaveOrExplainAsync(cancellationToken);
        logger.LogInformation("Pass {PassNumber} of entry {EntryId} assigned to {AssigneeId} by {UserId}", passNumber, entryId, userId, leadUserId);
        queue.Changed();
    }

    public Task BeginReviewAsync(Guid shiftId, string leadUserId, CancellationToken cancellationToken = default) =>
        ChangeStateAsync(shiftId, leadUserId, (shift, batch) => shift.BeginReview(batch), cancellationToken);

    public Task ReopenAsync(Guid shiftId, string leadUserId, CancellationToken cancellationToken = default) =>
        ChangeStateAsync(shiftId, leadUserId, (shift, _) => shift.Reopen(), cancellationToken);

    /// <summary>Closes a published shift and posts its summary to the team's webhook.</summary>
    public async Task<ShiftSummary> CloseAsync(Guid shiftId, string leadUserId, CancellationToken cancellationToken = default)
    {
        await acting.EnsureAsync(leadUserId, Policies.RunShifts, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var shift = await db.Shifts.SingleOrDefaultAsync(s => s.Id == shiftId, cancellationToken)
            ?? throw new DomainException("That shift does not exist.");
        shift.Close(clock.GetUtcNow().UtcDateTime);
        var summary = await SummaryAsync(db, shift, cancellationToken);
        alerts.Add(db, AlertQueue.ShiftClosed, ":checkered_flag: " + summary.Describe($"Shift {shift.Label} closed")
            + (shift.HandoffNote is { } note ? $" Handoff: {note}" : ""));
        await db.SaveOrExplainAsync(cancellationToken);
        alerts.Committed();
        logger.LogInformation("Shift {ShiftId} closed by {UserId}: {Summary}", shiftId, leadUserId, summary);
        return summary;
    }

    private async Task ChangeStateAsync(Guid shiftId, string leadUserId, Action<Shift, Batch> change, CancellationToken cancellationToken)
    {
        await acting.EnsureAsync(leadUserId, Policies.RunShifts, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var shift = await db.Shifts.SingleOrDefaultAsync(s => s.Id == shiftId, cancellationToken)
            ?? throw new DomainException("That shift does not exist.");
        var batch = await db.Batches.Include(b => b.Entries).SingleAsync(b => b.Id == shift.BatchId, cancellationToken);
        change(shift, batch);
        await db.SaveOrExplainAsync(cancellationToken);
        logger.LogInformation("Shift {ShiftId} is now {State}, by {UserId}", shiftId, shift.State, leadUserId);
        queue.Changed();
    }
}
