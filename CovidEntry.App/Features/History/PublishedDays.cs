using CovidEntry.App.Data;
using CovidEntry.Domain.Quality;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.History;

/// <summary>
/// The published days before a date, the one definition the pass form's checks and the review's
/// "previous" column share: a published day of a jurisdiction is a date with a latest value, and
/// the previous one is the newest such date before the entry's, however far back it is.
/// </summary>
public static class PublishedDays
{
    /// <summary>Up to <paramref name="days"/> published days of each jurisdiction before <paramref name="before"/>, newest first.</summary>
    public static async Task<ILookup<string, PublishedDay>> BeforeAsync(
        CovidEntryDbContext db, IReadOnlyCollection<string> codes, DateOnly before, int days, CancellationToken cancellationToken)
    {
        var rows = await db.Database.SqlQuery<PublishedValue>($"""
            WITH days AS (
                SELECT "JurisdictionCode", "DataDate",
                       row_number() OVER (PARTITION BY "JurisdictionCode" ORDER BY "DataDate" DESC) AS n
                FROM (SELECT DISTINCT "JurisdictionCode", "DataDate" FROM "LatestValues"
                      WHERE "JurisdictionCode" = ANY({codes.ToArray()}) AND "DataDate" < {before}) AS published)
            SELECT l."JurisdictionCode", l."DataDate", l."MetricKey", l."Value"
            FROM "LatestValues" AS l JOIN days USING ("JurisdictionCode", "DataDate")
            WHERE days.n <= {days}
            """).ToListAsync(cancellationToken);
        return rows.GroupBy(r => (r.JurisdictionCode, r.DataDate))
            .Select(day => (day.Key.JurisdictionCode, Day: new PublishedDay(day.Key.DataDate, day.ToDictionary(r => r.MetricKey, r => r.Value))))
            .OrderByDescending(d => d.Day.DataDate)
            .ToLookup(d => d.JurisdictionCode, d => d.Day);
    }

    private sealed record PublishedValue(string JurisdictionCode, DateOnly DataDate, string MetricKey, long? Value);
}
