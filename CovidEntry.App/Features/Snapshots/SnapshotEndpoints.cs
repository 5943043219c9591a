using System.Text;

namespace CovidEntry.App.Features.Snapshots;

/// <summary>Public downloads of published snapshots. A snapshot never changes, so caches may keep it forever.</summary>
public static class SnapshotEndpoints
{
    public const string Immutable = "public, max-age=31536000, immutable";

    public static void MapSnapshots(this WebApplication app)
    {
        var data = app.MapGroup("/data/snapshots").AllowAnonymous().AddEndpointFilter<Exports.PublicHeaders.Filter>().WithTags("Snapshots");

        data.MapGet("/latest/{name}", async (string name, SnapshotQueries snapshots, CancellationToken ct) =>
                await snapshots.LatestPublishedAsync(ct) is { } id
                    ? Results.Redirect($"/data/snapshots/{id}/{Uri.EscapeDataString(name)}")
                    : Results.Problem("No snapshot is published yet.", statusCode: 404))
            .WithName("LatestSnapshotFile")
            .WithSummary("Redirects to a file of the latest published snapshot (states-daily.csv|json|parquet, us-daily.csv|json|parquet, states-info.csv|json|parquet, datapackage.json, manifest.json, changelog.json).");

        data.MapGet("/{id:guid}/manifest.json", async (Guid id, SnapshotQueries snapshots, HttpContext http, CancellationToken ct) =>
                await snapshots.ManifestAsync(id, ct) is { } manifest ? Immutably(http, Results.Text(manifest, "application/json", Encoding.UTF8)) : NotFound())
            .WithName("SnapshotManifest")
            .WithSummary("A published snapshot's manifest: its files with sizes, row counts and SHA-256 sums, the last batch it includes and when it was made.");

        data.MapGet("/{id:guid}/changelog.json", async (Guid id, SnapshotQueries snapshots, HttpContext http, CancellationToken ct) =>
                await snapshots.ChangelogAsync(id, ct) is { } changelog ? Immutably(http, Results.Text(changelog, "application/json", Encoding.UTF8)) : NotFound())
            .WithName("SnapshotChangelog")
            .WithSummary("What changed since the previous snapshot: rows added and cells changed, old → new.");

        data.MapMethods("/{id:guid}/{name}", [HttpMethods.Get, HttpMethods.Head], async (Guid id, string name, SnapshotQueries snapshots, Exports.PublicFileStore store,
                HttpContext http, CancellationToken ct) =>
            {
                // A snapshot file never changes: read from the database once per instance, compressed once, kept in the bounded cache.
                var file = await store.CachedAsync($"snapshot/{id}/{name}", async c => await snapshots.FileAsync(id, name, c) is { } download
                    ? new Exports.PublicFile($"data/snapshots/{id}/{name}", ContentType(download.ContentType), name, 0, download.Content,
                        Exports.PublicFileCompression.Gzip(download.Content), Exports.PublicFileCompression.Brotli(download.Content), download.Sha256,
                        new DateTimeOffset(DateTime.SpecifyKind(download.MadeAtUtc ?? DateTime.UnixEpoch, DateTimeKind.Utc)))
                    : null, limited: false, ct);
                return file is null ? NotFound() : Exports.PublicHeaders.Serve(http, file, Immutable);
            })
            .WithName("SnapshotFile")
            .WithSummary("One file of a published snapshot, byte for byte as its manifest describes it.");
    }

    private static string ContentType(string type) => type.StartsWith("text/", StringComparison.Ordinal) || type == "application/json" ? type + "; charset=utf-8" : type;

    private static IResult Immutably(HttpContext http, IResult result)
    {
        http.Response.Headers.CacheControl = Immutable;
        return result;
    }

    private static IResult NotFound() => Results.Problem("There is no published snapshot file here.", statusCode: 404);
}
