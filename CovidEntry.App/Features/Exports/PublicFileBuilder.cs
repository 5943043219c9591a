using CovidEntry.Domain.Screenshots;
using System.Data;
using CovidEntry.App.Data;
using CovidEntry.App.Shared;
using CovidEntry.Domain.Exports;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Exports;

/// <summary>
/// Makes every live public file at once from one snapshot of the database: the history is read
/// once, and the states, current, US, per-jurisdiction v1 and v2 files and the states info files
/// are all written from those rows, by the same writers the as-of files use.
/// </summary>
public sealed class PublicFileBuilder(IDbContextFactory<CovidEntryDbContext> dbFactory, ILogger<PublicFileBuilder> logger)
{
    public static readonly string[] Formats = ["csv", "json"];

    /// <summary>The files as they are now, and the source they were made from.</summary>
    /// <param name="previous">Files of the generation before, by path: a file whose bytes did not change keeps its last-modified time.</param>
    public async Task<(PublicFileSource Source, DateTime[] Moments, IReadOnlyList<PublicFile> Files)> BuildAsync(
        Func<string, (string Sha256, DateTime LastModifiedUtc)?> previous, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);

        // One snapshot for everything read, so the key names exactly the rows the files hold.
        await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await db.Database.ExecuteSqlRawAsync("SET TRANSACTION READ ONLY", cancellationToken);
        var source = await PublicFileSource.ReadAsync(db, cancellationToken);
        var moments = await db.Database.SqlQueryRaw<DateTime>("""
            SELECT "PublishedAtUtc" AS "Value" FROM "ValueVersions" UNION SELECT "PublishedAtUtc" FROM "ReportedDays" ORDER BY 1
            """).ToArrayAsync(cancellationToken);
        var catalog = await PublishedRows.CatalogAsync(db, cancellationToken);
        var jurisdictions = await db.Jurisdictions.AsNoTracking().Include(j => j.Sources).OrderBy(j => j.Code).ToListAsync(cancellationToken);
        var fields = await V2Fields(db).ToListAsync(cancellationToken);
        var screenshots = (await db.Screenshots.AsNoTracking()
                .Where(s => db.ValueVersions.Any(v => v.JurisdictionCode == s.JurisdictionCode && v.ScreenshotId == s.Id))
                .Select(s => new { s.JurisdictionCode, s.Id, s.TakenAtUtc, s.SourceLabel, s.Sha256, s.Origin })
                .ToListAsync(cancellationToken))
            .ToLookup(s => s.JurisdictionCode, s => new V2Screenshot(s.Id, s.TakenAtUtc, s.SourceLabel, s.Sha256, "/" + Screenshots.ScreenshotEndpoints.ImagePath(s.Sha256), s.Origin.Kind()));
        var raw = await PublishedRows.RawAsync(db, catalog, null, null, null, cancellationToken).ToListAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var read = System.Diagnostics.Stopwatch.GetElapsedTime(started);

        var derived = await V1DailyRows.WithDerivedColumns(raw.ToAsyncEnumerable(), code => catalog.TotalTestsRuleByState[code], cancellationToken)
            .ToListAsync(cancellationToken);
        var columns = catalog.StatesDailyColumns;
        var written = new List<(string Path, string ContentType, string? DownloadName, long Rows, byte[] Content)>();
        var builtAt = DateTime.SpecifyKind(source.DatabaseNowUtc, DateTimeKind.Utc);

        void Add(string path, string contentType, string? downloadName, long rows, byte[] content) =>
            written.Add((path, contentType, downloadName, rows, content));

        var us = await UsDaily.FromStates(derived.ToAsyncEnumerable(), cancellationToken).ToListAsync(cancellationToken);
        var info = jurisdictions.Select(StatesInfoFile.From).ToList();
        var states = derived.Select(r => r.State).Distinct().Count();
        foreach (var format in Formats)
        {
            var type = LiveFileWriters.ContentType(format);
            Add(LivePaths.StatesDaily(format), type, format == "csv" ? "daily.csv" : null, derived.Count,
                await LiveFileWriters.ToBytesAsync(s => LiveFileWriters.StatesDailyAsync(s, format, columns, derived.ToAsyncEnumerable(), cancellationToken)));
            Add(LivePaths.Current(format), type, format == "csv" ? "current.csv" : null, states,
                await LiveFileWriters.ToBytesAsync(s => LiveFileWriters.CurrentAsync(s, format, columns, derived.ToAsyncEnumerable(), cancellationToken)));
            Add(LivePaths.UsDaily(format), type, format == "csv" ? "national-history.csv" : null, us.Count,
                await LiveFileWriters.ToBytesAsync(s => LiveFileWriters.UsDailyAsync(s, format, us.ToAsyncEnumerable(), cancellationToken)));
            Add(LivePaths.StatesInfo(format), type, null, info.Count, LiveFileWriters.StatesInfo(format, info));
        }

        var rawByState = raw.ToLookup(r => r.State);
        var derivedByState = derived.ToLookup(r => r.State);
        foreach (var jurisdiction in jurisdictions)
        {
            var code = jurisdiction.Code;
            foreach (var format in Formats)
            {
                Add(LivePaths.StateDaily(code, format), LiveFileWriters.ContentType(format), format == "csv" ? "daily.csv" : null, derivedByState[code].Count(),
                    await LiveFileWriters.ToBytesAsync(s => LiveFileWriters.StatesDailyAsync(s, format, columns, derivedByState[code].ToAsyncEnumerable(), cancellationToken)));
            }

            var shots = screenshots[code].ToDictionary(s => s.Id);
            Add(LivePaths.StateDailyV2(code), LiveFileWriters.JsonType, null, rawByState[code].Count(),
                await LiveFileWriters.ToBytesAsync(s => V2Daily.WriteAsync(s, new V2Jurisdiction(jurisdiction.Code, jurisdiction.Name, jurisdiction.Fips), fields, null,
                    V2Daily.WithDerivedValues(rawByState[code].ToAsyncEnumerable(), fields, cancellationToken), cancellationToken, shots)));
        }

        // Hashing and compressing is most of the work, and nobody waits on it: at a lower priority,
        // so that on a busy machine the volunteers' requests and the database come first.
        var files = await LowPriority.RunAsync("public-files", () => written.Select(w =>
        {
            var file = PublicFile.Make(w.Path, w.ContentType, w.DownloadName, w.Rows, w.Content, builtAt);
            return previous(w.Path) is { } before && before.Sha256 == file.Sha256
                ? new PublicFile(w.Path, w.ContentType, w.DownloadName, w.Rows, file.Content, file.Gzip, file.Brotli, file.Sha256,
                    DateTime.SpecifyKind(before.LastModifiedUtc, DateTimeKind.Utc))
                : file;
        }).ToList());

        logger.LogInformation("Public files made for {SourceKey}: {Files} files, {Bytes:#,0} bytes ({Gzip:#,0} gzip, {Brotli:#,0} Brotli) from {Rows:#,0} rows; read {ReadMs:0} ms, in all {TotalMs:0} ms",
            source.Key, files.Count, files.Sum(f => f.Content.LongLength), files.Sum(f => (f.Gzip ?? f.Content).LongLength), files.Sum(f => (f.Brotli ?? f.Content).LongLength),
            raw.Count, read.TotalMilliseconds, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return (source, moments, files);
    }

    /// <summary>The catalog's metrics as the v2 file describes them, in display order.</summary>
    public static IQueryable<V2Field> V2Fields(CovidEntryDbContext db) =>
        db.Metrics.AsNoTracking().OrderBy(m => m.DisplayOrder).Select(m => new V2Field(m.Key, m.Label, m.Group, m.Kind, m.V1Column, m.V2Path));
}

/// <summary>The addresses of the live files, as the store keys them (no leading slash, jurisdiction codes upper-case).</summary>
public static class LivePaths
{
    public static string StatesDaily(string format) => $"api/v1/states/daily.{format}";

    public static string StateDaily(string code, string format) => $"api/v1/states/{code}/daily.{format}";

    public static string Current(string format) => $"api/v1/states/current.{format}";

    public static string UsDaily(string format) => $"api/v1/us/daily.{format}";

    public static string StatesInfo(string format) => $"api/v1/states/info.{format}";

    public static string StateDailyV2(string code) => $"api/v2/states/{code}/daily.json";
}
