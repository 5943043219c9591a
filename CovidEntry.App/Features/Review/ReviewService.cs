using CovidEntry.App.Data;
using CovidEntry.App.Shared;
using CovidEntry.Domain.Batches;
using CovidEntry.Domain.Entries;
using CovidEntry.Domain.Shifts;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Review;

/// <summary>One value of the batch beside what is published for the previous date.</summary>
public sealed record ReviewValue(string MetricKey, string Label, long? Value, long? PreviousPublished)
{
    public long? Change => Value is { } now && PreviousPublished is { } before ? now - before : null;
}

public sealed record ReviewEntry(Guid EntryId, string Code, string Name, EntryStatus Status, IReadOnlyList<string> PassAuthors, IReadOnlyList<ReviewValue> Values);

public sealed record ReviewView(Guid ShiftId, string Label, DateOnly DataDate, ShiftState State, BatchStatus BatchStatus, string? CannotPublishReason, IReadOnlyList<ReviewEntry> Entries);

public sealed class ReviewService(IDbContextFactory<CovidEntryDbContext> dbFactory, UserDirectory users)
{
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
        var metrics = await db.Metrics.AsNoTracking().Where(m => m.IsActive).OrderBy(m => m.DisplayOrder).ToListAsync(cancellationToken);
        var names = await db.Jurisdictions.ToDictionaryAsync(j => j.Code, j => j.Name, cancellationToken);
        var people = await users.NamesAsync(batch.Entries.SelectMany(e => e.Passes.Select(p => p.UserId)), cancellationToken);

        var codes = batch.Entries.Select(e => e.JurisdictionCode).ToList();
        var previousDates = batch.Entries.Select(e => e.DataDate.AddDays(-1)).Distinct().ToList();
        var previous = await db.LatestValues.AsNoTracking()
            .Where(l => codes.Contains(l.JurisdictionCode) && previousDates.Contains(l.DataDate))
            .ToListAsync(cancellationToken);
        var previousByCell = previous.ToDictionary(l => (l.JurisdictionCode, l.DataDate, l.MetricKey), l => l.Value);

        var entries = batch.Entries.OrderBy(e => e.JurisdictionCode).Select(entry =>
        {
            var values = entry.Status == EntryStatus.Verified ? entry.PublishableValues() : new Dictionary<string, long?>();
            var rows = metrics.Select(m => new ReviewValue(
                m.Key,
                m.Label,
                values.GetValueOrDefault(m.Key),
                previousByCell.GetValueOrDefault((entry.JurisdictionCode, entry.DataDate.AddDays(-1), m.Key)))).ToList();
            var authors = entry.Passes.OrderBy(p => p.Number).Select(p => people.GetValueOrDefault(p.UserId, "?")).ToList();
            return new ReviewEntry(entry.Id, entry.JurisdictionCode, names.GetValueOrDefault(entry.JurisdictionCode, ""), entry.Status, authors, rows);
        }).ToList();

        return new ReviewView(shift.Id, shift.Label, shift.DataDate, shift.State, batch.Status, batch.WhyCannotPublish(viewerUserId), entries);
    }
}

public static class ReviewExtensions
{
    public static void AddReview(this WebApplicationBuilder builder) => builder.Services.AddScoped<ReviewService>();
}
