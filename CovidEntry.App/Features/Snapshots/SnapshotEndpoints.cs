using System.Text;

namespace CovidEntry.App.Features.Snapshots;

/// <summary>Public downloads of published snapshots. A snapshot never changes, so caches may keep it forever.</summary>
public static class SnapshotEndpoints
{
    public const string Immutable = "public, max-age=31536000, immutable";

    public static void MapSnapshots(this WebApplication app)
    {
        var data = app.MapGroup("/data/snapshots").AllowAnonymous().WithTags("Snapshots");

        data.MapGet("/latest/{name}", async (string name, SnapshotQueries snapshots, CancellationToken ct) =>
                await snapshots.LatestPublishedAsync(ct) is { } id
                    ? Results.Redirect($"/data/snapshots/{id}/{Uri.EscapeDataString(name)}")
                    : Results.Problem("No snapshot is published yet.", statusCode: 404))
            .WithName("LatestSnapshotFile")
            .WithSummary("Redirects to a file of the latest published snapshot (states-daily.csv, states-daily.json, us-daily.csv, us-daily.json, states-info.csv, states-info.json, manifest.json, changelog.json).");

        data.MapGet("/{id:guid}/manifest.json", async (Guid id, SnapshotQueries snapshots, HttpContext http, CancellationToken ct) =>
                await snapshots.ManifestAsync(id, ct) is { } manifest ? Immutably(http, Results.Text(manifest, "application/json", Encoding.UTF8)) : NotFound())
            .WithName("SnapshotManifest")
            .WithSummary("A published snapshot's manifest: its files with sizes, row counts and SHA-256 sums, the last batch it includes and when it was made.");

        data.MapGet("/{id:guid}/changelog.json", async (Guid id, SnapshotQueries snapshots, HttpContext http, CancellationToken ct) =>
                await snapshots.ChangelogAsync(id, ct) is { } changelog ? Immutably(http, Results.Text(changelog, "application/json", Encoding.UTF8)) : NotFound())
            .WithName("SnapshotChangelog")
            .WithSummary("What changed since the previous snapshot: rows added and cells changed, old → new.");

        data.MapGet("/{id:guid}/{name}", async (Guid id, string name, SnapshotQueries snapshots, HttpContext http, CancellationToken ct) =>
            {
                if (await snapshots.FileAsync(id, name, ct) is not { } file)
                {
                    return NotFound();
                }

                var tag = $"\"{file.Sha256}\"";
                if (http.Request.Headers.IfNoneMatch.Any(value => value == tag))
                {
                    return Results.StatusCode(StatusCodes.Status304NotModified);
                }

                http.Response.Headers.ETag = tag;
                return Immutably(http, Results.File(file.Content, file.ContentType + "; charset=utf-8", name));
            })
            .WithName("SnapshotFile")
            .WithSummary("One file of a published snapshot, byte for byte as its manifest describes it.");
    }

    private static IResult Immutably(HttpContext http, IResult result)
    {
        http.Response.Headers.CacheControl = Immutable;
        return result;
    }

    private static IResult NotFound() => Results.Problem("There is no published snapshot file here.", statusCode: 404);
}
