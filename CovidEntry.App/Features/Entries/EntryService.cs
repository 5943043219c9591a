using CovidEntry.App.Data;
using CovidEntry.App.Features.Access;
using CovidEntry.App.Features.Audit;
using CovidEntry.App.Features.Quality;
using CovidEntry.App.Shared;
using CovidEntry.Domain;
using CovidEntry.Domain.Audit;
using CovidEntry.Domain.Entries;
using CovidEntry.Domain.Metrics;
using CovidEntry.Domain.Shifts;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Entries;

public sealed record SourceLink(string Label, string Url);

/// <summary>
/// Everything the pass form shows. It is built for one person and one pass and carries that
/// person's own values only: the other pass never leaves the server (blind double entry).
/// </summary>
public sealed record PassForm(
    Guid EntryId,
    int PassNumber,
    string Code,
    string Name,
    DateOnly DataDate,
    string ShiftLabel,
    bool AcceptsPasses,
    IReadOnlyList<SourceLink> Sources,
    IReadOnlyList<MetricField> Metrics,
    OwnSubmission? Submitted,
    DraftView? Draft,
    PreviousDay? Previous,
    QcContext Quality,
    SentBack? SentBack = null)
{
    /// <summary>Whether the person may still change and submit this pass: not submitted, and the shift still takes passes.</summary>
    public bool IsOpen => Submitted is null && AcceptsPasses;

    /// <summary>The warning checks on what is typed so far (no database round trip); none once the pass is submitted.</summary>
    public IReadOnlyList<CovidEntry.Domain.Quality.QcWarning> Check(EntryFormModel model, DateTime nowUtc) =>
        Submitted is null ? Quality.Check(model.ParsedValues(), model.SourceUpdatedSoFar(), nowUtc) : [];
}

/// <summary>A lead sent this person's pass back: why, and when.</summary>
public sealed record SentBack(string Comment, DateTime ReturnedAtUtc);

/// <summary>The person's own saved draft of this pass, to resume from.</summary>
public sealed record DraftView(DraftContent Content, int Revision, DateTime SavedAtUtc);

/// <summary>The newest published day before the entry's date, shown beside each field.</summary>
public sealed record PreviousDay(DateOnly DataDate, IReadOnlyDictionary<string, long?> Values);

public sealed record OwnSubmission(DateTime SubmittedAtUtc, IReadOnlyDictionary<string, long?> Values, DateTime? SourceUpdatedAtUtc, string? PublicNote, string? PrivateNote);

public sealed record SubmitOutcome(string Message);

public sealed class EntryService(
    IDbContextFactory<CovidEntryDbContext> dbFactory,
    QualityService quality,
    EntryFormValidator validator,
    ActingPerson acting,
    UserDirectory users,
    QueueSignal queue,
    TimeProvider clock,
    ILogger<EntryService> logger)
{
    public async Task<PassForm> GetPassFormAsync(Guid entryId, int passNumber, string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (shift, entry) = await LoadAsync(db, entryId, cancellationToken);
        if (await WhyNotYoursAsync(users, entry, passNumber, userId, cancellationToken) is { } refusal)
        {
            throw new DomainException(refusal);
        }

        var jurisdiction = await db.Jurisdictions.AsNoTracking().Include(j => j.Sources).SingleAsync(j => j.Code == entry.JurisdictionCode, cancellationToken);
        var metrics = await ActiveMetricsAsync(db, cancellationToken);
        var own = entry.Passes.SingleOrDefault(p => p.Number == passNumber && p.UserId == userId);
        var draft = own is null
            ? await db.PassDrafts.AsNoTracking().SingleOrDefaultAsync(d => d.EntryId == entryId && d.PassNumber == passNumber && d.UserId == userId, cancellationToken)
            : null;
        var checks = await quality.ContextAsync(entry.JurisdictionCode, entry.DataDate, cancellationToken);
        return new PassForm(
            entry.Id,
            passNumber,
            entry.JurisdictionCode,
            jurisdiction.Name,
            entry.DataDate,
            shift.Label,
            shift.AcceptsPasses,
            jurisdiction.Sources.OrderBy(s => s.Position).Select(s => new SourceLink(s.Label, s.Url)).ToList(),
            metrics,
            own is null ? null : new OwnSubmission(own.SubmittedAtUtc, own.ValuesByMetric(), own.SourceUpdatedAtUtc, own.PublicNote, own.PrivateNote),
            draft is null ? null : new DraftView(draft.Content, draft.Revision, draft.SavedAtUtc),
            checks.Previous is { } previous ? new PreviousDay(previous.DataDate, previous.Values) : null,
            checks,
            own is null && entry.ReturnedPasses.LastOrDefault(r => r.Number == passNumber && r.UserId == userId) is { } returned
                ? new SentBack(returned.Comment, returned.ReturnedAtUtc)
                : null);
    }

    public async Task<SubmitOutcome> SubmitAsync(Guid entryId, int passNumber, string userId, EntryFormModel form, CancellationToken cancellationToken = default)
    {
        await acting.EnsureAsync(userId, Policies.EnterData, cancellationToken);
        // The page validated already; the service checks again because it is the boundary that writes.
        var validation = await validator.ValidateAsync(form, cancellationToken);
        if (!validation.IsValid)
        {
            throw new DomainException("Some fields are not valid: " + string.Join(" ", validation.Errors.Select(e => e.ErrorMessage).Distinct()) + " Nothing was submitted; your draft is kept.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (shift, entry) = await LoadAsync(db, entryId, cancellationToken);
        shift.EnsureAcceptsPasses();
        if (await WhyNotYoursAsync(users, entry, passNumber, userId, cancellationToken) is { } refusal)
        {
            throw new DomainException($"{refusal} Nothing was submitted; your draft is kept.");
        }

        var metrics = await ActiveMetricsAsync(db, cancellationToken);
        var values = form.ParsedValues();
        // A field an admin retired (or never in the catalog) while the form was open: empty, it is
        // simply left out; with a value, the volunteer is told rather than the value dropped unseen.
        var unknown = values.Where(v => v.Value is not null).Select(v => v.Key).Except(metrics.Select(m => m.Key)).ToList();
        if (unknown.Count > 0)
        {
            throw new DomainException($"The form has values for fields no longer in the metric catalog ({string.Join(", ", unknown)}), so nothing was submitted. Reload the page: your draft is kept, without those fields.");
        }

        // The bounds as the catalog holds them now (the form's copy may be from before an admin changed them).
        var outside = metrics.Where(m => Bounds.Refusal(values.GetValueOrDefault(m.Key), m.MinValue, m.MaxValue) is not null).ToList();
        if (outside.Count > 0)
        {
            throw new DomainException($"{string.Join(", ", outside.Select(m => m.Label))}: outside the values the catalog allows. Check the number{(outside.Count > 1 ? "s" : "")}. Nothing was submitted; your draft is kept.");
        }

        var complete = metrics.ToDictionary(m => m.Key, m => values.GetValueOrDefault(m.Key));
        var now = clock.GetUtcNow().UtcDateTime;
        var sourceUpdated = form.ParsedSourceUpdatedAtUtc();

        // The checks run again here, on what is published now: the form's own run may be minutes old.
        var warnings = (await quality.ContextAsync(entry.JurisdictionCode, entry.DataDate, cancellationToken)).Check(complete, sourceUpdated, now);
        var evidence = form.CitedEvidence();
        var citedIds = evidence.Values.Select(e => e.ScreenshotId).Distinct().ToList();
        var ownScreenshots = await db.Screenshots.CountAsync(s => citedIds.Contains(s.Id) && s.JurisdictionCode == entry.JurisdictionCode, cancellationToken);
        if (ownScreenshots != citedIds.Count)
        {
            throw new DomainException($"A value cites a screenshot that is not one of {entry.JurisdictionCode}'s. Pick the screenshot again in the viewer. Nothing was submitted; your draft is kept.");
        }

        entry.SubmitPass(passNumber, userId, complete, sourceUpdated, form.PublicNote, form.PrivateNote, warnings, form.GivenAnswers(), now, evidence);

        // The pass now holds the values: the draft has done its work and goes in the same
        // transaction, whatever revision an autosave from another window gave it meanwhile.
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            await db.SaveOrExplainAsync(cancellationToken);
            var deleted = await db.PassDrafts.Where(d => d.EntryId == entryId && d.PassNumber == passNumber && d.UserId == userId)
                .ExecuteDeleteAsync(cancellationToken);
            if (deleted > 0)
            {
                await AuditLog.RecordRowsAsync<PassDraft>(db, AuditAction.Delete, [$"{entryId}|{passNumber}|{userId}"], [], cancellationToken, batchId: entry.BatchId);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        logger.LogInformation("Pass {PassNumber} of entry {EntryId} submitted by {UserId}; entry is {Status}", passNumber, entryId, userId, entry.Status);
        queue.Changed();

        return new SubmitOutcome(entry.Status switch
        {
            Domain.Entries.EntryStatus.Verified => "Submitted. Both passes agree: the entry is verified.",
            Domain.Entries.EntryStatus.Mismatch => "Submitted. The two passes differ on some fields; a shift lead will reconcile them.",
            _ => "Submitted. Waiting for the other pass.",
        });
    }

    /// <summary>Why this person may not enter the pass, naming who holds it; null when it is theirs.</summary>
    internal static async Task<string?> WhyNotYoursAsync(UserDirectory users, Domain.Entries.Entry entry, int passNumber, string userId, CancellationToken cancellationToken)
    {
        if (entry.HolderOf(passNumber) == userId)
        {
            return null;
        }

        var names = await users.NamesAsync(entry.Passes.Select(p => p.UserId).Append(entry.FirstPassUserId).Append(entry.SecondPassUserId), cancellationToken);
        return entry.WhyNotYours(passNumber, userId, id => names.GetValueOrDefault(id, "Someone"));
    }

    internal static async Task<(Shift Shift, Domain.Entries.Entry Entry)> LoadAsync(CovidEntryDbContext db, Guid entryId, CancellationToken cancellationToken)
    {
        var entry = await db.Entries.Include(e => e.Passes).SingleOrDefaultAsync(e => e.Id == entryId, cancellationToken)
            ?? throw new DomainException("That entry does not exist.");
        var shift = await db.Shifts.SingleOrDefaultAsync(s => s.BatchId == entry.BatchId, cancellationToken)
            ?? throw new DomainException("That entry does not belong to a shift.");
        return (shift, entry);
    }

    private static async Task<IReadOnlyList<MetricField>> ActiveMetricsAsync(CovidEntryDbContext db, CancellationToken cancellationToken) =>
        await db.Metrics.AsNoTracking().Where(m => m.IsActive).OrderBy(m => m.DisplayOrder)
            .Select(m => new MetricField(m.Key, m.Label, m.Group, m.Kind, m.MinValue, m.MaxValue)).ToListAsync(cancellationToken);
}
