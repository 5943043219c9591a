using CovidEntry.App.Data;
using CovidEntry.App.Features.Access;
using CovidEntry.App.Shared;
using CovidEntry.Domain;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Jurisdictions;

public sealed record JurisdictionRow(string Code, string Name, int Sources, TimeOnly? ExpectedUpdateUtc, DateTime? SourceChangedAtUtc, DateTime? LastPublishedAtUtc, DateOnly? LastPublishedDate);

/// <summary>The jurisdictions' update schedule and their "source changed" signal, which order the shift queue.</summary>
public sealed class JurisdictionService(IDbContextFactory<CovidEntryDbContext> dbFactory, ActingPerson acting, TimeProvider clock, ILogger<JurisdictionService> logger)
{
    public async Task<IReadOnlyList<JurisdictionRow>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await RowsAsync(db, cancellationToken);
    }

    /// <summary>Every jurisdiction with its schedule and its last publish; the staleness view reads the same rows.</summary>
    internal static async Task<List<JurisdictionRow>> RowsAsync(CovidEntryDbContext db, CancellationToken cancellationToken)
    {
        // One pass over the latest table for every jurisdiction's last publish.
        var published = await db.LatestValues.GroupBy(v => v.JurisdictionCode)
            .Select(g => new { Code = g.Key, At = g.Max(v => v.PublishedAtUtc), Date = g.Max(v => v.DataDate) })
            .ToDictionaryAsync(p => p.Code, cancellationToken);
        var jurisdictions = await db.Jurisdictions.AsNoTracking().OrderBy(j => j.Code)
            .Select(j => new { j.Code, j.Name, Sources = j.Sources.Count, j.ExpectedUpdateUtc, j.SourceChangedAtUtc })
            .ToListAsync(cancellationToken);
        return jurisdictions.Select(j =>
        {
            var last = published.GetValueOrDefault(j.Code);
            return new JurisdictionRow(j.Code, j.Name, j.Sources, j.ExpectedUpdateUtc, j.SourceChangedAtUtc, last?.At, last?.Date);
        }).ToList();
    }

    /// <summary>Sets (or clears, with null) the time of day a jurisdiction usually updates.</summary>
    /// <remarks>
    /// <paramref name="startedFrom"/> is the time the admin saw: if another admin set a different one
    /// meanwhile, nothing is overwritten and the admin is told.
    /// </remarks>
    public async Task ScheduleAsync(string code, TimeOnly? expectedUpdateUtc, string adminUserId, CancellationToken cancellationToken = default, Optional<TimeOnly?> startedFrom = default)
    {
        await acting.EnsureAsync(adminUserId, Policies.Administer, cancellationToken);
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
        await acting.EnsureAsync(userId, Policies.RunShifts, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var jurisdiction = await db.Jurisdictions.SingleOrDefaultAsync(j => j.Code == code, cancellationToken)
            ?? throw new DomainException($"There is no jurisdiction {code}.");
        jurisdiction.MarkSourceChanged(clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Sources of {Jurisdiction} marked changed by {UserId}", code, userId);
    }
}
