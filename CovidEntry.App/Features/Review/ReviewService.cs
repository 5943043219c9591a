using CovidEntry.App.Data;
using CovidEntry.App.Features.Access;
using CovidEntry.App.Features.Audit;
using CovidEntry.App.Features.History;
using CovidEntry.App.Shared;
using CovidEntry.Domain;
using CovidEntry.Domain.Batches;
using CovidEntry.Domain.Entries;
using CovidEntry.Domain.History;
using CovidEntry.Domain.Quality;
using CovidEntry.Domain.Shifts;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Review;

/// <summary>A warning a pass raised, with the reason its volunteer gave.</summary>
public sealed record ReviewWarning(int PassNumber, string Field, string Message, WarningReason Reason, string? Note);

/// <summary>How a lead settled a field the two passes disagreed on.</summary>
public sealed record ReviewReconciliation(long? FirstPass, long? SecondPass, ResolutionSource Choice, string? Reason, string ResolvedBy);

/// <summary>One metric of an entry: previous published → new, with its warnings and reconciliation.</summary>
public sealed record ReviewValue(
    string MetricKey,
    string Label,
    long? Value,
    long? PreviousPublished,
    IReadOnlyList<ReviewWarning> Warnings,
    ReviewReconciliation? Reconciliation)
{
    public ValueChange? Change => ValueChange.Between(PreviousPublished, Value);
}

public sealed record ReviewPass(int Number, string Author, DateTime SubmittedAtUtc);

public sealed record ReviewReturn(int Number, string Author, string ReturnedBy, DateTime ReturnedAtUtc, string Comment);

public sealed record ReviewEntry(
    Guid EntryId,
    string Code,
    string Name,
    DateOnly DataDate,
    EntryStatus Status,
    IReadOnlyList<ReviewPass> Passes,
    IReadOnlyList<ReviewReturn> Returns,
    IReadOnlyList<ReviewValue> Values,
    IReadOnlyList<ReviewWarning> SourceWarnings,
    DateOnly? PreviousDate,
    string? ApprovedBy,
    string? CannotApproveReason,
    IReadOnlyDictionary<string, IReadOnlyList<(DateOnly Date, long? Value)>> History)
{
    public bool HasWarnings => SourceWarnings.Count > 0 || Values.Any(v => v.Warnings.Count > 0);
}

public sealed record ReviewView(
    Guid ShiftId,
    string Label,
    DateOnly DataDate,
    ShiftState State,
    BatchStatus BatchStatus,
    string? CannotPublishReason,
    IReadOnlyList<ReviewEntry> Entries);

/// <summary>The lead's review of a shift's batch as a diff, and the approvals and send-backs made from it.</summary>
public sealed class ReviewService(IDbContextFactory<CovidEntryDbContext> dbFactory, UserDirectory users, ActingPerson acting, TimeProvider clock, ILogger<ReviewService> logger)
{
    /// <summary>How far back the small chart beside each entry looks.</summary>
    public const int ChartDays = 30;

    public async Task<ReviewView?> GetAsync(Guid shiftId, string viewerUserId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var shift = await db.Shifts.AsNoTracking().SingleOrDefaultAsync(s => s.Id == shiftId, cancellationToken);
        if (shift is null)
        {
            return null;
        }

        var batch = await db.Batches.AsNoTracking().AsSplitQuery()
            .Include(b => b.Entries).ThenInclude(e => e.Passes)
            .SingleAsync(b => b.Id == shift.BatchId, cancellationToken);
        // A metric retired while the shift ran stays in its review for as long as a pass holds a value of it:
        // what is published must be what the lead saw.
        var held = batch.Entries.SelectMany(e => e.Passes).SelectMany(p => p.ValuesByMetric()).Where(v => v.Value is not null).Select(v => v.Key).ToHashSet();
        var metrics = (await db.Metrics.AsNoTracking().OrderBy(m => m.DisplayOrder).ToListAsync(cancellationToken))
            .Where(m => m.IsActive || held.Contains(m.Key))
            .ToList();
        var names = await db.Jurisdictions.ToDictionaryAsync(j => j.Code, j => j.Name, cancellationToken);
        var people = await users.NamesAsync(
            batch.Entries.SelectMany(e => e.Passes.Select(p => p.UserId)
                .Concat(e.ReturnedPasses.SelectMany(r => new[] { r.UserId, r.ReturnedByUserId }))
                .Concat(e.ResolvedValues.Select(r => r.ResolvedByUserId))
                .Append(e.ApprovedByUserId)),
            cancellationToken);
        string Name(string? id) => id is null ? "?" : people.GetValueOrDefault(id, "?");

        var codes = batch.Entries.Select(e => e.JurisdictionCode).Distinct().ToList();
        var previousDays = await PublishedDays.BeforeAsync(db, codes, shift.DataDate, 1, cancellationToken);
        var from = shift.DataDate.AddDays(-ChartDays);
        var history = (await db.LatestValues.AsNoTracking()
                .Where(l => codes.Contains(l.JurisdictionCode) && l.DataDate >= from && l.DataDate < shift.DataDate)
                .Select(l => new { l.JurisdictionCode, l.DataDate, l.MetricKey, l.Value })
                .ToListAsync(cancellationToken))
            .ToLookup(l => l.JurisdictionCode);

        var entries = batch.Entries.OrderBy(e => e.JurisdictionCode).Select(entry =>
        {
            var published = history[entry.JurisdictionCode].Where(h => h.DataDate < entry.DataDate).ToList();
            var previousDay = previousDays[entry.JurisdictionCode].FirstOrDefault();
            var previousDate = previousDay?.DataDate;
            var previous = previousDay?.Values ?? new Dictionary<string, long?>();
            var values = entry.Status == EntryStatus.Verified ? entry.PublishableValues() : new Dictionary<string, long?>();
            var warnings = entry.Passes
                .SelectMany(p => p.Warnings.Select(w => new ReviewWarning(p.Number, w.Field, w.Message, w.Reason, w.Note)))
                .ToList();
            var mismatches = entry.Mismatches().ToDictionary(m => m.MetricKey);
            var rows = metrics.Select(m => new ReviewValue(
                m.Key,
                m.Label,
                values.GetValueOrDefault(m.Key),
                previous.GetValueOrDefault(m.Key),
                warnings.Where(w => w.Field == m.Key).ToList(),
                entry.ResolvedValues.SingleOrDefault(r => r.MetricKey == m.Key && r.Source != ResolutionSource.Matched) is { } resolved
                    ? new ReviewReconciliation(
                        mismatches.GetValueOrDefault(m.Key)?.FirstPassValue,
                        mismatches.GetValueOrDefault(m.Key)?.SecondPassValue,
                        resolved.Source,
                        resolved.Reason,
                        Name(resolved.ResolvedByUserId))
                    : null)).ToList();
            var chart = published.GroupBy(h => h.MetricKey).ToDictionary(
                g => g.Key,
                g => (IReadOnlyList<(DateOnly, long?)>)g.OrderBy(h => h.DataDate).Select(h => (h.DataDate, h.Value)).ToList());

            return new ReviewEntry(
                entry.Id,
                entry.JurisdictionCode,
                names.GetValueOrDefault(entry.JurisdictionCode, ""),
                entry.DataDate,
                entry.Status,
                entry.Passes.OrderBy(p => p.Number).Select(p => new ReviewPass(p.Number, Name(p.UserId), p.SubmittedAtUtc)).ToList(),
                entry.ReturnedPasses.Select(r => new ReviewReturn(r.Number, Name(r.UserId), Name(r.ReturnedByUserId), r.ReturnedAtUtc, r.Comment)).ToList(),
                rows,
                warnings.Where(w => w.Field == QcWarning.SourceField).ToList(),
                previousDate,
                entry.ApprovedByUserId is null ? null : Name(entry.ApprovedByUserId),
                WhyCannotApprove(entry, viewerUserId),
                chart);
        }).ToList();

        return new ReviewView(shift.Id, shift.Label, shift.DataDate, shift.State, batch.Status, batch.WhyCannotPublish(viewerUserId), entries);
    }

    public async Task ApproveAsync(Guid shiftId, Guid entryId, string leadUserId, CancellationToken cancellationToken = default)
    {
        await acting.EnsureAsync(leadUserId, Policies.RunShifts, cancellationToken);
        await ChangeAsync(shiftId, (batch, now) => batch.Entry(entryId).Approve(leadUserId, now), cancellationToken);
        logger.LogInformation("Entry {EntryId} of shift {ShiftId} approved by {UserId}", entryId, shiftId, leadUserId);
    }

    /// <summary>Approves every verified entry without warnings; returns the jurisdictions approved.</summary>
    public async Task<IReadOnlyList<string>> ApproveAllWithoutWarningsAsync(Guid shiftId, string leadUserId, CancellationToken cancellationToken = default)
    {
        await acting.EnsureAsync(leadUserId, Policies.RunShifts, cancellationToken);
        IReadOnlyList<string> approved = [];
        await ChangeAsync(shiftId, (batch, now) => approved = batch.ApproveAllWithoutWarnings(leadUserId, now), cancellationToken);
        logger.LogInformation("{Count} entries of shift {ShiftId} approved in bulk by {UserId}", approved.Count, shiftId, leadUserId);
        return approved;
    }

    /// <summary>
    /// Sends a pass back to its author with a comment. A shift in review opens again so the pass
    /// can be entered; the author's draft starts from the values they had submitted.
    /// </summary>
    public async Task SendBackAsync(Guid shiftId, Guid entryId, int passNumber, string comment, string leadUserId, CancellationToken cancellationToken = default)
    {
        await acting.EnsureAsync(leadUserId, Policies.RunShifts, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (shift, batch) = await LoadAsync(db, shiftId, cancellationToken);
        var entry = batch.Entry(entryId);
        var now = clock.GetUtcNow().UtcDateTime;
        entry.SendBack(passNumber, comment, leadUserId, now);
        if (shift.State == ShiftState.InReview)
        {
            shift.Reopen();
        }
        else if (shift.State != ShiftState.Open)
        {
            throw new DomainException($"The shift is {Shift.Describe(shift.State)}; its passes can no longer be sent back.");
        }

        var returned = entry.ReturnedPasses[^1];
        var hasDraft = await db.PassDrafts.AnyAsync(d => d.EntryId == entryId && d.PassNumber == passNumber && d.UserId == returned.UserId, cancellationToken);
        if (!hasDraft)
        {
            var draft = new PassDraft(entryId, passNumber, returned.UserId);
            draft.Record(new DraftContent(
                returned.Values.Where(v => v.Value is not null).ToDictionary(v => v.Key, v => Domain.Metrics.MetricValueParser.Format(v.Value)),
                null, null, null, null), now);
            db.PassDrafts.Add(draft);
        }

        using (AuditContext.WithReason(comment))
        {
            await db.SaveOrExplainAsync(cancellationToken);
        }

        logger.LogInformation("Pass {PassNumber} of entry {EntryId} sent back by {UserId}", passNumber, entryId, leadUserId);
    }

    private static string? WhyCannotApprove(Domain.Entries.Entry entry, string viewerUserId) =>
        entry.Status != EntryStatus.Verified ? "Not verified yet."
        : entry.DidAnyPass(viewerUserId) ? "You entered a pass here; another lead approves it."
        : null;

    private async Task ChangeAsync(Guid shiftId, Action<Batch, DateTime> change, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (shift, batch) = await LoadAsync(db, shiftId, cancellationToken);
        shift.EnsureEntriesCanChange("there is nothing left to approve");

        change(batch, clock.GetUtcNow().UtcDateTime);
        await db.SaveOrExplainAsync(cancellationToken);
    }

    private static async Task<(Shift Shift, Batch Batch)> LoadAsync(CovidEntryDbContext db, Guid shiftId, CancellationToken cancellationToken)
    {
        var shift = await db.Shifts.SingleOrDefaultAsync(s => s.Id == shiftId, cancellationToken)
            ?? throw new DomainException("That shift does not exist.");
        var batch = await db.Batches.AsSplitQuery().Include(b => b.Entries).ThenInclude(e => e.Passes)
            .SingleAsync(b => b.Id == shift.BatchId, cancellationToken);
        return (shift, batch);
    }
}

public static class ReviewExtensions
{
    public static void AddReview(this WebApplicationBuilder builder) => builder.Services.AddScoped<ReviewService>();
}
