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
    /// <summary>The newest id of a version or a reported day as a SQL expression (0 when nothing is published), for a query that needs it among other things.</summary>
    public const string LastSql =
        """greatest((SELECT coalesce(max("Id"), 0) FROM "ValueVersions"), (SELECT coalesce(max("Id"), 0) FROM "ReportedDays"))""";

    /// <summary>The newest id of a version or a reported day; 0 when nothing is published.</summary>
    public static Task<long> LastAsync(CovidEntryDbContext db, CancellationToken cancellationToken = default) =>
        db.Database.SqlQueryRaw<long>($"""SELECT {LastSql} AS "Value" """).SingleAsync(cancellationToken);
}
