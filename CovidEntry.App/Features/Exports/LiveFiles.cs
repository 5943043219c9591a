using CovidEntry.Domain.Screenshots;
using CovidEntry.App.Data;
using CovidEntry.Domain.Exports;
using CovidEntry.Domain.History;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Exports;

public enum LiveFileKind
{
    StatesDaily,
    StateDaily,
    Current,
    UsDaily,
    StatesInfo,
    StateDailyV2,
}

/// <summary>
/// Answers a request for a live public file. Now: the stored bytes of the current generation. As of
/// a moment: the current file when nothing was published after the moment (v1), else a file made from
/// the database once and cached, immutable when the moment is settled. With no generation yet (the
/// first moments after a start) or one left behind by a failing rebuild, the file is streamed from
/// the database as it is read.
/// </summary>
public sealed class LiveFiles(PublicFileStore store, PublishedRows rows, IDbContextFactory<CovidEntryDbContext> dbFactory)
{
    private const string NoCache = "public, no-cache";

    public async Task<IResult> ServeAsync(HttpContext http, LiveFileKind kind, string format, string? code, string? asOf, CancellationToken cancellationToken)
    {
        if (format is not ("csv" or "json"))
        {
            return Results.Problem($"Ask for .csv or .json, not .{format}.", statusCode: 404);
        }

        DateTimeOffset? moment = null;
        if (asOf is not null)
        {
            if (!AsOfTime.TryParse(asOf, out var parsed))
            {
                return Results.Problem($"\"{asOf}\" is not a time. {ExportEndpoints.AsOfHelp}", statusCode: 400);
            }

            moment = parsed;
        }

        var state = code?.ToUpperInvariant();
        var path = Path(kind, format, state);
        var set = store.Current;
        if (set is null)
        {
            return await StreamAsync(kind, format, code, moment, cancellationToken);
        }

        if (state is not null && set.Find(LivePaths.StateDaily(state, "csv")) is null)
        {
            return UnknownJurisdiction(code!);
        }

        var file = set.Find(path)!;
        if (moment is not { } at)
        {
            return PublicHeaders.Serve(http, file, store.CurrentCacheControl);
        }

        // Nothing published after the moment: the v1 answer is the current file (v2 names the moment in it).
        var effective = set.EffectiveMoment(at.UtcDateTime);
        if (kind != LiveFileKind.StateDailyV2 && effective == set.LatestMoment)
        {
            return PublicHeaders.Serve(http, file, store.CurrentCacheControl);
        }

        // Moments between two publishes read the same history: one cached file serves them all.
        var settled = store.IsSettled(set, at);
        var key = kind == LiveFileKind.StateDailyV2
            ? $"{path}?asOf={at.UtcTicks}"
            : $"{path}?asOf={effective?.Ticks ?? 0}";
        if (!settled)
        {
            key += $"#{set.Key}";
        }

        var lastModified = new DateTimeOffset(effective ?? DateTime.UnixEpoch, TimeSpan.Zero);
        var asOfFile = await store.CachedAsync(key, ct => MakeAsync(kind, format, state, at, path, lastModified, ct), limited: true, cancellationToken);
        return asOfFile is null
            ? UnknownJurisdiction(code!)
            : PublicHeaders.Serve(http, asOfFile, settled ? PublicFileStore.ImmutableCacheControl : store.CurrentCacheControl);
    }

    public static string Path(LiveFileKind kind, string format, string? state) => kind switch
    {
        LiveFileKind.StatesDaily => LivePaths.StatesDaily(format),
        LiveFileKind.StateDaily => LivePaths.StateDaily(state!, format),
        LiveFileKind.Current => LivePaths.Current(format),
        LiveFileKind.UsDaily => LivePaths.UsDaily(format),
        LiveFileKind.StatesInfo => LivePaths.StatesInfo(format),
        _ => LivePaths.StateDailyV2(state!),
    };

    private static IResult UnknownJurisdiction(string code) =>
        Results.Problem($"There is no jurisdiction \"{code}\". Use a two-letter code such as NY.", statusCode: 404);

    /// <summary>One file made from the database as of <paramref name="moment"/> (null: now); null for an unknown jurisdiction.</summary>
    public async Task<byte[]?> FromDatabaseAsync(LiveFileKind kind, string format, string? state, DateTimeOffset? moment, CancellationToken cancellationToken)
    {
        var write = await WriterAsync(kind, format, state, moment, cancellationToken);
        return write is null ? null : await LiveFileWriters.ToBytesAsync(write);
    }

    private async Task<PublicFile?> MakeAsync(LiveFileKind kind, string format, string? state, DateTimeOffset moment, string path, DateTimeOffset lastModified,
        CancellationToken cancellationToken)
    {
        var content = await LiveFileWriters.ToBytesAsync(async stream =>
        {
            if (await WriterAsync(kind, format, state, moment, cancellationToken) is { } write)
            {
                await write(stream);
            }
        });
        return content.Length == 0 ? null : PublicFile.Make(path, LiveFileWriters.ContentType(format), DownloadName(kind, format), 0, content, lastModified);
    }

    /// <summary>Without a generation: the file streamed from the database as it is read, as before files were made once.</summary>
    private async Task<IResult> StreamAsync(LiveFileKind kind, string format, string? code, DateTimeOffset? moment, CancellationToken cancellationToken)
    {
        var write = await WriterAsync(kind, format, code?.ToUpperInvariant(), moment, cancellationToken);
        if (write is null)
        {
            return UnknownJurisdiction(code!);
        }

        return new StreamedFile(Results.Stream(write, LiveFileWriters.ContentType(format), DownloadName(kind, format)));
    }

    private sealed class StreamedFile(IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.CacheControl = NoCache;
            return inner.ExecuteAsync(httpContext);
        }
    }

    private static string? DownloadName(LiveFileKind kind, string format) => format != "csv" ? null : kind switch
    {
        LiveFileKind.StatesDaily or LiveFileKind.StateDaily => "daily.csv",
        LiveFileKind.Current => "current.csv",
        LiveFileKind.UsDaily => "national-history.csv",
        _ => null,
    };

    /// <summary>What writes the file from the database as of <paramref name="moment"/> (null: now); null for an unknown jurisdiction.</summary>
    private async Task<Func<Stream, Task>?> WriterAsync(LiveFileKind kind, string format, string? state, DateTimeOffset? moment, CancellationToken cancellationToken)
    {
        var catalog = await rows.CatalogAsync(cancellationToken);
        if (state is not null && !catalog.TotalTestsRuleByState.ContainsKey(state))
        {
            return null;
        }

        var columns = catalog.StatesDailyColumns;
        switch (kind)
        {
            case LiveFileKind.StatesDaily or LiveFileKind.StateDaily:
                return stream => LiveFileWriters.StatesDailyAsync(stream, format, columns, rows.DerivedAsync(catalog, moment, state, cancellationToken), cancellationToken);
            case LiveFileKind.Current:
                return stream => LiveFileWriters.CurrentAsync(stream, format, columns, rows.DerivedAsync(catalog, moment, null, cancellationToken), cancellationToken);
            case LiveFileKind.UsDaily:
                return stream => LiveFileWriters.UsDailyAsync(stream, format, UsDaily.FromStates(rows.DerivedAsync(catalog, moment, null, cancellationToken), cancellationToken), cancellationToken);
            case LiveFileKind.StatesInfo:
            {
                await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
                var jurisdictions = await db.Jurisdictions.AsNoTracking().Include(j => j.Sources).OrderBy(j => j.Code).ToListAsync(cancellationToken);
                var bytes = LiveFileWriters.StatesInfo(format, jurisdictions.Select(StatesInfoFile.From).ToList());
                return stream => stream.WriteAsync(bytes, cancellationToken).AsTask();
            }

            default:
            {
                await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
                var jurisdiction = await db.Jurisdictions.AsNoTracking().Where(j => j.Code == state)
                    .Select(j => new V2Jurisdiction(j.Code, j.Name, j.Fips)).SingleAsync(cancellationToken);
                var fields = await PublicFileBuilder.V2Fields(db).ToListAsync(cancellationToken);

                // The screenshots any published value of the jurisdiction cites: few, so known before streaming.
                var screenshots = await db.Screenshots.AsNoTracking()
                    .Where(s => s.JurisdictionCode == state && db.ValueVersions.Any(v => v.JurisdictionCode == state && v.ScreenshotId == s.Id))
                    .Select(s => new { s.Id, s.TakenAtUtc, s.SourceLabel, s.Sha256, s.Origin })
                    .ToDictionaryAsync(s => s.Id, s => new V2Screenshot(s.Id, s.TakenAtUtc, s.SourceLabel, s.Sha256, "/" + Screenshots.ScreenshotEndpoints.ImagePath(s.Sha256), s.Origin.Kind()), cancellationToken);
                return stream => V2Daily.WriteAsync(stream, jurisdiction, fields, moment, V2Daily.WithDerivedValues(rows.RawAsync(catalog, moment, state, cancellationToken), fields, cancellationToken),
                    cancellationToken, screenshots);
            }
        }
    }
}
