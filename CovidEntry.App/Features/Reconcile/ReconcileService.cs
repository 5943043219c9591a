using CovidEntry.App.Data;
using CovidEntry.App.Features.Access;
using CovidEntry.App.Features.Audit;
using CovidEntry.App.Features.Screenshots;
using CovidEntry.App.Shared;
using CovidEntry.Domain;
using CovidEntry.Domain.Entries;
using CovidEntry.Domain.Metrics;
using CovidEntry.Domain.Screenshots;
using CovidEntry.Domain.Shifts;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Reconcile;

public sealed record MismatchRow(string MetricKey, string Label, long? FirstPassValue, long? SecondPassValue, ResolvedValue? Resolution,
    ValueEvidence? FirstPassEvidence = null, ValueEvidence? SecondPassEvidence = null, string? ResolvedBy = null);

public sealed record PassSummary(int Number, string Author, DateTime SubmittedAtUtc, DateTime? SourceUpdatedAtUtc, string? PublicNote, string? PrivateNote);

public sealed record ReconcileView(Guid EntryId, Guid ShiftId, string Code, string Name, DateOnly DataDate, EntryStatus Status, IReadOnlyList<PassSummary> Passes, IReadOnlyList<MismatchRow> Mismatches,
    IReadOnlyDictionary<Guid, ScreenshotView>? Screenshots = null);

public sealed class ReconcileService(IDbContextFactory<CovidEntryDbContext> dbFactory, UserDirectory users, ActingPerson acting, TimeProvider clock, ILogger<ReconcileService> logger)
{
    public async Task<ReconcileView> GetAsync(Guid entryId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (shift, entry) = await LoadAsync(db, entryId, cancellationToken);
        var name = await db.Jurisdictions.Where(j => j.Code == entry.JurisdictionCode).Select(j => j.Name).SingleAsync(cancellationToken);
        var labels = await db.Metrics.ToDictionaryAsync(m => m.Key, m => m.Label, cancellationToken);
        var names = await users.NamesAsync(entry.Passes.Select(p => p.UserId).Concat(entry.ResolvedValues.Select(r => r.ResolvedByUserId)), cancellationToken);
        // Until both passes are in, one of them is still being entered blind: show neither.
        var bothIn = entry.HasSubmitted(1) && entry.HasSubmitted(2);
        var passes = entry.Passes.Where(_ => bothIn).OrderBy(p => p.Number)
            .Select(p => new PassSummary(p.Number, names.GetValueOrDefault(p.UserId, "?"), p.SubmittedAtUtc, p.SourceUpdatedAtUtc, p.PublicNote, p.PrivateNote))
            .ToList();
        var firstEvidence = bothIn ? entry.FirstPass!.EvidenceByMetric() : new Dictionary<string, ValueEvidence>();
        var secondEvidence = bothIn ? entry.SecondPass!.EvidenceByMetric() : new Dictionary<string, ValueEvidence>();
        var mismatches = entry.Mismatches()
            .Select(m => new MismatchRow(m.MetricKey, labels.GetValueOrDefault(m.MetricKey, m.MetricKey), m.FirstPassValue, m.SecondPassValue,
                entry.ResolvedValues.SingleOrDefault(r => r.MetricKey == m.MetricKey),
                firstEvidence.GetValueOrDefault(m.MetricKey), secondEvidence.GetValueOrDefault(m.MetricKey),
                entry.ResolvedValues.SingleOrDefault(r => r.MetricKey == m.MetricKey)?.ResolvedByUserId is { } by ? names.GetValueOrDefault(by, "another lead") : null))
            .ToList();
        var cited = mismatches.SelectMany(m => new[] { m.FirstPassEvidence?.ScreenshotId, m.SecondPassEvidence?.ScreenshotId }).OfType<Guid>().Distinct().ToList();
        var screenshots = await ScreenshotService.Views(db, db.Screenshots.Where(s => cited.Contains(s.Id))).ToDictionaryAsync(s => s.Id, cancellationToken);
        return new ReconcileView(entry.Id, shift.Id, entry.JurisdictionCode, name, entry.DataDate, entry.Status, passes, mismatches, screenshots);
    }

    public async Task ReconcileAsync(Guid entryId, string metricKey, ReconcileForm form, string leadUserId, CancellationToken cancellationToken = default)
    {
        await acting.EnsureAsync(leadUserId, Policies.RunShifts, cancellationToken);
        var typed = form.Choice == ResolutionSource.Typed ? MetricValueParser.Parse(form.TypedValue) : default;
        if (!typed.IsValid)
        {
            throw new DomainException(typed.Error!);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (shift, entry) = await LoadAsync(db, entryId, cancellationToken);
        shift.EnsureEntriesCanChange();

        entry.Reconcile(metricKey, form.Choice, typed.Value, form.Reason, leadUserId, clock.GetUtcNow().UtcDateTime);
        using (AuditContext.WithReason(form.Reason))
        {
            await db.SaveOrExplainAsync(cancellationToken);
        }

        logger.LogInformation("Entry {EntryId} field {MetricKey} reconciled by {UserId} as {Choice}; entry is {Status}", entryId, metricKey, leadUserId, form.Choice, entry.Status);
    }

    private static async Task<(Shift Shift, Domain.Entries.Entry Entry)> LoadAsync(CovidEntryDbContext db, Guid entryId, CancellationToken cancellationToken)
    {
        var entry = await db.Entries.Include(e => e.Passes).SingleOrDefaultAsync(e => e.Id == entryId, cancellationToken)
            ?? throw new DomainException("That entry does not exist.");
        var shift = await db.Shifts.SingleAsync(s => s.BatchId == entry.BatchId, cancellationToken);
        return (shift, entry);
    }
}
