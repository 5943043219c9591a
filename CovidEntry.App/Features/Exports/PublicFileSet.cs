using CovidEntry.App.Data;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Exports;

/// <summary>
/// What the public files are made from, in one key: the newest id of a version or a reported day
/// (one sequence, and every writer of them takes the publish lock, so it grows with each commit) and a
/// fingerprint of what else the files show (the catalog's columns and v2 fields, the jurisdictions'
/// names, FIPS, notes and total-test rule, their source pages). Equal keys give equal files.
/// </summary>
public sealed record PublicFileSource(string Key, long LastPublishedId, DateTime DatabaseNowUtc)
{
    public static async Task<PublicFileSource> ReadAsync(CovidEntryDbContext db, CancellationToken cancellationToken)
    {
        var row = await db.Database.SqlQueryRaw<SourceRow>($"""
            SELECT {History.PublishedIds.LastSql} AS "LastId",
                   md5(
                       (SELECT coalesce(string_agg(concat_ws('|', "Key", "Label", "Group", "Kind", "V1Column", "V2Path", "DisplayOrder"), E'\n' ORDER BY "Key"), '') FROM "Metrics")
                       || E'\n#\n' ||
                       (SELECT coalesce(string_agg(concat_ws('|', "Code", "Name", "Fips", "TotalTestResultsField", coalesce("Notes", '')), E'\n' ORDER BY "Code"), '') FROM "Jurisdictions")
                       || E'\n#\n' ||
                       (SELECT coalesce(string_agg(concat_ws('|', "JurisdictionCode", "Position", "Label", "Url"), E'\n' ORDER BY "JurisdictionCode", "Position", "Id"), '') FROM "JurisdictionSources")
                   ) AS "Fingerprint",
                   now() AS "Now"
            """).SingleAsync(cancellationToken);
        return new PublicFileSource($"{row.LastId}-{row.Fingerprint[..16]}", row.LastId, row.Now);
    }

    private sealed record SourceRow(long LastId, string Fingerprint, DateTime Now);
}

/// <summary>
/// One generation of the public files, complete, in memory: what every request is served from until
/// the next one replaces it whole. <see cref="Moments"/> are the distinct publish times up to it
/// (oldest first), which tell which as-of moments read the same history.
/// </summary>
public sealed class PublicFileSet(long generationId, PublicFileSource source, IReadOnlyDictionary<string, PublicFile> files, DateTime[] moments)
{
    public long GenerationId { get; } = generationId;

    public PublicFileSource Source { get; } = source;

    public string Key => Source.Key;

    public IReadOnlyDictionary<string, PublicFile> Files { get; } = files;

    private readonly DateTime[] _moments = moments;

    public IReadOnlyList<DateTime> Moments => _moments;

    public DateTime? LatestMoment => _moments.Length == 0 ? null : _moments[^1];

    public PublicFile? Find(string path) => Files.GetValueOrDefault(path);

    /// <summary>The newest publish time at or before <paramref name="moment"/>: an as-of read of either gives the same history; null before anything.</summary>
    public DateTime? EffectiveMoment(DateTime moment)
    {
        var index = Array.BinarySearch(_moments, moment);
        return index >= 0 ? _moments[index] : ~index == 0 ? null : _moments[~index - 1];
    }
}
