using System.Text;
using CovidEntry.App.Data;
using CovidEntry.Domain.Exports;
using CovidEntry.Domain.History;
using CovidEntry.Domain.Screenshots;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Exports;

/// <summary>
/// The public v1 and v2 files, compatible with the COVID Tracking Project's: same column names, same
/// order, same CSV bytes. The live files are made once per change and served from memory
/// (<see cref="LiveFiles"/>, docs/decisions/032); as-of files are made on request and cached.
/// </summary>
public static class ExportEndpoints
{
    public const string AsOfHelp = $"asOf must be an ISO 8601 time, for example {AsOfTime.Example}.";

    private static readonly string[] GetOrHead = [HttpMethods.Get, HttpMethods.Head];

    public static void AddExports(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<PublishedRows>();
        builder.Services.AddScoped<PublicJurisdictionPageQueries>();
        builder.Services.AddScoped<LiveFiles>();
        builder.Services.AddOptions<PublicFileOptions>().Bind(builder.Configuration.GetSection(PublicFileOptions.Section));
        builder.Services.AddSingleton<PublicFileStore>();
        builder.Services.AddSingleton<PublicFileBuilder>();
        builder.Services.AddSingleton<RebuildGarbage>();
        builder.Services.AddSingleton<PublicFileWorker>();
        builder.Services.AddHostedService(services => services.GetRequiredService<PublicFileWorker>());
        builder.AddApiDocs();
    }

    public static void MapExports(this WebApplication app)
    {
        app.MapApiDocs();
        var v1 = app.MapGroup("/api/v1").AllowAnonymous().AddEndpointFilter<PublicHeaders.Filter>().WithTags("v1 files (CTP-compatible)");

        v1.MapMethods("/states/daily.{format}", GetOrHead, (string format, [FromQuery] string? asOf, HttpContext http, LiveFiles files, CancellationToken ct) =>
                files.ServeAsync(http, LiveFileKind.StatesDaily, format, null, asOf, ct))
            .WithName("StatesDaily")
            .WithSummary("Every published jurisdiction-day, newest date first then state A→Z, in the columns of CTP's all-states-history file.");

        v1.MapMethods("/states/{code}/daily.{format}", GetOrHead, (string code, string format, [FromQuery] string? asOf, HttpContext http, LiveFiles files, CancellationToken ct) =>
                files.ServeAsync(http, LiveFileKind.StateDaily, format, code, asOf, ct))
            .WithName("StateDaily")
            .WithSummary("One jurisdiction's published days, newest first.");

        v1.MapMethods("/states/current.{format}", GetOrHead, (string format, [FromQuery] string? asOf, HttpContext http, LiveFiles files, CancellationToken ct) =>
                files.ServeAsync(http, LiveFileKind.Current, format, null, asOf, ct))
            .WithName("StatesCurrent")
            .WithSummary("Each jurisdiction's most recent published day, state A→Z.");

        v1.MapMethods("/us/daily.{format}", GetOrHead, (string format, [FromQuery] string? asOf, HttpContext http, LiveFiles files, CancellationToken ct) =>
                files.ServeAsync(http, LiveFileKind.UsDaily, format, null, asOf, ct))
            .WithName("UsDaily")
            .WithSummary("National totals per date, in the columns of CTP's national-history file.");

        v1.MapMethods("/states/info.{format}", GetOrHead, (string format, HttpContext http, LiveFiles files, CancellationToken ct) =>
                files.ServeAsync(http, LiveFileKind.StatesInfo, format, null, null, ct))
            .WithName("StatesInfo")
            .WithSummary("The jurisdictions: code, name, FIPS, source pages and total-tests rule.");

        var v2 = app.MapGroup("/api/v2").AllowAnonymous().AddEndpointFilter<PublicHeaders.Filter>().WithTags("v2 files");
        v2.MapMethods("/states/{code}/daily.json", GetOrHead, (string code, [FromQuery] string? asOf, HttpContext http, LiveFiles files, CancellationToken ct) =>
                files.ServeAsync(http, LiveFileKind.StateDailyV2, "json", code, asOf, ct))
            .WithName("StateDailyV2")
            .WithSummary("One jurisdiction's days as structured JSON: field metadata, and for each value its change from the prior day and a 7-day average.");
    }
}
