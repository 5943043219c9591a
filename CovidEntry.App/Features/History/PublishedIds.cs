using CovidEntry.App.Data;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.History;

/// <summary>
/// Versions and reported days take their ids from one sequence (docs/decisions/029), so the newest
/// id of either says how far the published history goes: a snapshot pinned to it holds exactly
/// what was published up to it.
/// </summary>
public static class PublishedIds
{
    /// <summary>The newest id of a version or a reported day; 0 when nothing is published.</summary>
    public static async Task<long> LastAsync(CovidEntryDbContext db, CancellationToken cancellationToken = default) => Math.Max(
        await db.ValueVersions.MaxAsync(v => (long?)v.Id, cancellationToken) ?? 0,
        await db.ReportedDays.MaxAsync(r => (long?)r.Id, cancellationToken) ?? 0);
}
