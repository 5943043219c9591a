using System.Text;
using CovidEntry.App.Data;
using CovidEntry.Domain.Exports;
using CovidEntry.Domain.History;
using CovidEntry.Domain.Screenshots;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Exports;

/// <summary>
/// The public v1 files, compatible with the COVID Tracking Project's: same column names, same
/// order, same CSV bytes. Everything is streamed: a row is written as soon as it is known.
/// </summary>
public static class ExportEndpoints
{
    public const string AsOfHelp = $"asOf must be an ISO 8601 time, for example {AsOfTime.Example}.";

    public static void AddExports(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<PublishedRows>();
        builder.Services.AddScoped<JurisdictionPageQueries>();
        builder.Services.AddScoped<PublicCaching>();
        builder.AddApiDocs();
    }

    public static void MapExports(this WebApplication app)
    {
        app.MapApiDocs();
        var v1 = app.MapGroup("/api/v1").AllowAnonymous().AddEndpointFilter<PublicCaching>().WithTags("v1 files (CTP-compatible)");

        v1.MapGet("/states/daily.{format}", async (string format, [FromQuery] string? asOf, PublishedRows rows, CancellationToken ct) =>
                StatesDaily(format, asOf, null, await rows.CatalogAsync(ct), rows, ct))
            .WithName("StatesDaily")
            .WithSummary("Every published jurisdiction-day, newest date first then state A→Z, in the columns of CTP's all-states-history file.");

        v1.MapGet("/states/{code}/daily.{format}", async (string code, string format, [FromQuery] string? asOf, PublishedRows rows, CancellationToken ct) =>
            {
                var catalog = await rows.CatalogAsync(ct);
                var state = code.ToUpperInvariant();
                return catalog.TotalTestsRuleByState.ContainsKey(state)
                    ? StatesDaily(format, asOf, state, catalog, rows, ct)
                    : Results.Problem($"There is no jurisdiction \"{code}\". Use a two-letter code such as NY.", statusCode: 404);
            })
            .WithName("StateDaily")
            .WithSummary("One jurisdiction's published days, newest first.");

        v1.MapGet("/states/current.{format}", StatesCurrent)
            .WithName("StatesCurrent")
            .WithSummary("Each jurisdiction's most recent published day, state A→Z.");

        v1.MapGet("/us/daily.{format}", UsDailyFile)
            .WithName("UsDaily")
            .WithSummary("National totals per date, in the columns of CTP's national-history file.");

        v1.MapGet("/states/info.{format}", StatesInfo)
            .WithName("StatesInfo")
            .WithSummary("The jurisdictions: code, name, FIPS, source pages and total-tests rule.");

        var v2 = app.MapGroup("/api/v2").AllowAnonymous().AddEndpointFilter<PublicCaching>().WithTags("v2 files");
        v2.MapGet("/states/{code}/daily.json", StateDailyV2)
            .WithName("StateDailyV2")
            .WithSummary("One jurisdiction's days as structured JSON: field metadata, and for each value its change from the prior day and a 7-day average.");
    }

    private static async Task<IResult> StateDailyV2(string code, [FromQuery] string? asOf, PublishedRows rows,
        IDbContextFactory<CovidEntryDbContext> dbFactory, CancellationToken ct)
    {
        if (Refuse("json", asOf, out var moment) is { } refusal)
        {
            return refusal;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var state = code.ToUpperInvariant();
        var jurisdiction = await db.Jurisdictions.AsNoTracking().Where(j => j.Code == state)
            .Select(j => new V2Jurisdiction(j.Code, j.Name, j.Fips)).SingleOrDefaultAsync(ct);
        if (jurisdiction is null)
        {
            return Results.Problem($"There is no jurisdiction \"{code}\". Use a two-letter code such as NY.", statusCode: 404);
        }

        var fields = await db.Metrics.AsNoTracking().OrderBy(m => m.DisplayOrder)
            .Select(m => new V2Field(m.Key, m.Label, m.Group, m.Kind, m.V1Column, m.V2Path)).ToListAsync(ct);
        var catalog = await rows.CatalogAsync(ct);
        var days = V2Daily.WithDerivedValues(rows.RawAsync(catalog, moment, state, ct), fields, ct);

        // The screenshots any published value of the jurisdiction cites: few, so known before streaming.
        var screenshots = await db.Screenshots.AsNoTracking()
            .Where(s => s.JurisdictionCode == state && db.ValueVersions.Any(v => v.JurisdictionCode == state && v.ScreenshotId == s.Id))
            .Select(s => new { s.Id, s.TakenAtUtc, s.SourceLabel, s.Sha256, s.Origin })
            .ToDictionaryAsync(s => s.Id, s => new V2Screenshot(s.Id, s.TakenAtUtc, s.SourceLabel, s.Sha256, "/" + Screenshots.ScreenshotEndpoints.ImagePath(s.Sha256), s.Origin.Kind()), ct);
        return Json(stream => V2Daily.WriteAsync(stream, jurisdiction, fields, moment, days, ct, screenshots));
    }

    private static IResult StatesDaily(string format, string? asOf, string? state, ExportCatalog catalog, PublishedRows rows, CancellationToken ct)
    {
        if (Refuse(format, asOf, out var moment) is { } refusal)
        {
            return refusal;
        }

        var columns = catalog.StatesDailyColumns;
        var daily = rows.DerivedAsync(catalog, moment, state, ct);
        return format == "csv"
            ? Csv(V1DailyCsv.Header(columns), daily, row => V1DailyCsv.Line(columns, row), "daily.csv", ct)
            : Json(stream => V1Json.WriteStatesAsync(stream, columns, daily, ct));
    }

    private static async Task<IResult> StatesCurrent(string format, [FromQuery] string? asOf, PublishedRows rows, CancellationToken ct)
    {
        if (Refuse(format, asOf, out var moment) is { } refusal)
        {
            return refusal;
        }

        var catalog = await rows.CatalogAsync(ct);
        var columns = catalog.StatesDailyColumns;

        // The stream is newest first: each state's first row is its current one (56 rows kept).
        var current = new SortedDictionary<string, V1DailyRow>(StringComparer.Ordinal);
        await foreach (var row in rows.DerivedAsync(catalog, moment, null, ct))
        {
            current.TryAdd(row.State, row);
        }

        var ordered = current.Values.ToAsyncEnumerable();
        return format == "csv"
            ? Csv(V1DailyCsv.Header(columns), ordered, row => V1DailyCsv.Line(columns, row), "current.csv", ct)
            : Json(stream => V1Json.WriteStatesAsync(stream, columns, ordered, ct));
    }

    private static async Task<IResult> UsDailyFile(string format, [FromQuery] string? asOf, PublishedRows rows, CancellationToken ct)
    {
        if (Refuse(format, asOf, out var moment) is { } refusal)
        {
            return refusal;
        }

        var catalog = await rows.CatalogAsync(ct);
        var us = UsDaily.FromStates(rows.DerivedAsync(catalog, moment, null, ct), ct);
        return format == "csv"
            ? Csv(UsDaily.Header(), us, UsDaily.Line, "national-history.csv", ct)
            : Json(stream => V1Json.WriteUsAsync(stream, us, ct));
    }

    private static async Task<IResult> StatesInfo(string format, IDbContextFactory<CovidEntryDbContext> dbFactory, CancellationToken ct)
    {
        if (Refuse(format, null, out _) is { } refusal)
        {
            return refusal;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var jurisdictions = await db.Jurisdictions.AsNoTracking().Include(j => j.Sources).OrderBy(j => j.Code).ToListAsync(ct);
        var info = jurisdictions.Select(StatesInfoFile.From).ToList();
        return format == "csv"
            ? Results.Text(StatesInfoFile.Csv(info), "text/csv; charset=utf-8", Encoding.UTF8)
            : Results.Json(info.Select(StatesInfoFile.Json));
    }

    private static IResult? Refuse(string format, string? asOf, out DateTimeOffset? moment)
    {
        moment = null;
        if (format is not ("csv" or "json"))
        {
            return Results.Problem($"Ask for .csv or .json, not .{format}.", statusCode: 404);
        }

        if (asOf is null)
        {
            return null;
        }

        if (!AsOfTime.TryParse(asOf, out var parsed))
        {
            return Results.Problem($"\"{asOf}\" is not a time. {AsOfHelp}", statusCode: 400);
        }

        moment = parsed;
        return null;
    }

    private static IResult Csv<T>(string header, IAsyncEnumerable<T> rows, Func<T, string> line, string fileName, CancellationToken ct) =>
        Results.Stream(async body =>
        {
            await using var writer = new StreamWriter(body, new UTF8Encoding(false), bufferSize: 64 * 1024);
            await writer.WriteAsync(header);
            await foreach (var row in rows.WithCancellation(ct))
            {
                await writer.WriteAsync('\n');
                await writer.WriteAsync(line(row));
            }

            await writer.FlushAsync(ct);
        }, "text/csv; charset=utf-8", fileName);

    private static IResult Json(Func<Stream, Task> write) => Results.Stream(write, "application/json; charset=utf-8");
}
