using CovidEntry.App.Data;
using CovidEntry.App.Shared;
using CovidEntry.Domain;
using CovidEntry.Domain.Shifts;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Jurisdictions;

public sealed record JurisdictionRow(string Code, string Name, int Sources, TimeOnly? ExpectedUpdateUtc, DateTime? SourceChangedAtUtc, DateTime? LastPublishedAtUtc, DateOnly? LastPublishedDate);

/// <summary>The jurisdictions' update schedule and their "source changed" signal, which order the shift queue.</summary>
public sealed class JurisdictionService(IDbContextFactory<CovidEntryDbContext> dbFactory, TimeProvider clock, ILogger<JurisdictionService> logger)
{
    public async Task<IReadOnlyList<JurisdictionRow>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Jurisdictions.AsNoTracking().OrderBy(j => j.Code)
            .Select(j => new JurisdictionRow(
                j.Code,
                j.Name,
                j.Sources.Count,
                j.ExpectedUpdateUtc,
                j.SourceChangedAtUtc,
                db.LatestValues.Where(v => v.JurisdictionCode == j.Code).Max(v => (DateTime?)v.PublishedAtUtc),
                db.LatestValues.Where(v => v.JurisdictionCode == j.Code).Max(v => (DateOnly?)v.DataDate)))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Sets (or clears, with null) the time of day a jurisdiction usually updates.</summary>
    /// <remarks>
    /// <paramref name="startedFrom"/> is the time the admin saw: if another admin set a different one
    /// meanwhile, nothing is overwritten and the admin is told.
    /// </remarks>
    public async Task ScheduleAsync(string code, TimeOnly? expectedUpdateUtc, string adminUserId, CancellationToken cancellationToken = default, Optional<TimeOnly?> startedFrom = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var jurisdiction = await db.Jurisdictions.SingleOrDefaultAsync(j => j.Code == code, cancellationToken)
            ?? throw new DomainException($"There is no jurisdiction {code}.");
        if (startedFrom.HasValue && startedFrom.Value != jurisdiction.ExpectedUpdateUtc)
        {
            throw new DomainException($"Another admin changed {code}'s update time to {jurisdiction.ExpectedUpdateUtc?.ToString("HH:mm") ?? "none"} meanwhile, so yours was not saved. Check it and set it again.");
        }

        jurisdiction.ScheduleUpdates(expectedUpdateUtc);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Expected update time of {Jurisdiction} set to {Time} by {UserId}", code, expectedUpdateUtc, adminUserId);
    }

    /// <summary>Someone saw the jurisdiction's pages change: its passes move to the top of the queue until it is published.</summary>
    public async Task MarkSourceChangedAsync(string code, string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var jurisdiction = await db.Jurisdictions.SingleOrDefaultAsync(j => j.Code == code, cancellationToken)
            ?? throw new DomainException($"There is no jurisdiction {code}.");
        jurisdiction.MarkSourceChanged(clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Sources of {Jurisdiction} marked changed by {UserId}", code, userId);
    }

    public static Freshness FreshnessOf(JurisdictionRow row, DateOnly dataDate, DateTime nowUtc) =>
        QueueOrder.Of(new QueueFacts(dataDate, row.ExpectedUpdateUtc, row.SourceChangedAtUtc, row.LastPublishedAtUtc), nowUtc);
}
