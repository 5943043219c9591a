using CovidEntry.App.Data;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.Tests.Hostile;

/// <summary>One hostile input: its group, a name a reader can scan, and the outcome it must get.</summary>
public sealed record HostileCase(string Group, string Name, string Outcome)
{
    // xunit shows this in the test name, so a failing case reads as the doc row it belongs to.
    public override string ToString() => Name;
}

/// <summary>The row count of each domain table, so a case can show it stored nothing and lost nothing.</summary>
/// <remarks>AuditEvents is left out on purpose: refusals and reads may be audited, and that is not data.</remarks>
public static class DomainCounts
{
    private static readonly string[] Tables =
    [
        "Batches", "Entries", "Passes", "PassValues", "PassWarnings", "PassDrafts", "ValueVersions", "LatestValues",
        "Screenshots", "ImageBlobs", "Snapshots", "SnapshotFiles",
    ];

    // One round trip; the table names are the constants above, never input.
    private static readonly string Query =
        "SELECT concat_ws(' ', " + string.Join(", ", Tables.Select(t => $"'{t}=' || (SELECT count(*) FROM \"{t}\")")) + ") AS \"Value\"";

    public static Task<string> TakeAsync(CovidEntryDbContext db) => db.Database.SqlQueryRaw<string>(Query).SingleAsync();
}
