using CovidEntry.Domain.Batches;
using CovidEntry.Domain.Entries;

namespace CovidEntry.Domain.Shifts;

/// <summary>What a shift did, in numbers, for its close and for the next lead.</summary>
public sealed record ShiftSummary(
    int Planned,
    int Published,
    int ValuesPublished,
    int FieldsReconciled,
    int EntriesWithWarnings,
    int PassesSentBack,
    int People,
    TimeSpan? Duration)
{
    public static ShiftSummary Of(Shift shift, Batch batch, int valuesPublished)
    {
        var entries = batch.Entries;
        return new ShiftSummary(
            entries.Count,
            batch.Status == BatchStatus.Published ? entries.Count : 0,
            valuesPublished,
            entries.Sum(e => e.ResolvedValues.Count(r => r.Source != ResolutionSource.Matched)),
            entries.Count(e => e.HasWarnings),
            entries.Sum(e => e.ReturnedPasses.Count),
            entries.SelectMany(e => e.Passes.Select(p => p.UserId).Concat(e.ReturnedPasses.Select(r => r.UserId))).Distinct().Count(),
            shift.ClosedAtUtc - shift.OpenedAtUtc);
    }

    public string Describe(string label) =>
        $"{label}: {Published} of {Planned} jurisdictions published, {ValuesPublished:#,0} new values; "
        + $"{FieldsReconciled} fields reconciled, {EntriesWithWarnings} entries with warnings, {PassesSentBack} passes sent back; "
        + $"{People} people" + (Duration is { } d ? $", {(int)d.TotalHours} h {d.Minutes:00} min." : ".");
}
