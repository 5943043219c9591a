using System.Text;

namespace CovidEntry.App.Features.Snapshots;

/// <summary>
/// Public downloads of published snapshots. A snapshot never changes, so caches may keep it forever.
/// Each signed snapshot also serves its checksum list, the signature over it and the public key that
/// made it, so that a folder of its files can be checked offline (docs/decisions/028).
/// </summary>
public static class SnapshotEndpoints
{
    public const string Immutable = Exports.PublicFileStore.ImmutableCacheControl;

    /// <summary>The current public key changes with a rotation: caches ask each time.</summary>
    public const string Revalidate = "public, no-cache";

    private static readonly string[] GetAndHead = [HttpMethods.Get, HttpMethods.Head];

    public const string PemContentType = "application/x-pem-file";

    public const string UnsignedMessage =
        "This snapshot was made before CovidEntry signed its snapshots, so it has no SHA256SUMS, signature or public key; its manifest.json lists each file's SHA-256.";

    public static void MapSnapshots(this WebApplication app)
    {
        app.MapMethods("/data/" + SnapshotManifest.PublicKeyFile, GetAndHead, (SnapshotSigningKeys keys, HttpContext http) =>
            {
                var tag = $"\"{keys.Current.Fingerprint}\"";
                if (http.Request.Headers.IfNoneMatch.Any(value => value == tag))
                {
                    return Results.StatusCode(StatusCodes.Status304NotModified);
                }

                http.Response.Headers.ETag = tag;
                http.Response.Headers.CacheControl = Revalidate;
                return Results.Bytes(keys.Current.PemBytes(), PemContentType);
            })
            .AllowAnonymous()
            .AddEndpointFilter<Exports.PublicHeaders.Filter>()
            .WithTags("Snapshots")
            .WithName("SnapshotPublicKey")
            .WithSummary("The public key (PEM) that signs new snapshots; its fingerprint, the SHA-256 of its DER form, is shown on /data.");

        var data = app.MapGroup("/data/snapshots").AllowAnonymous().AddEndpointFilter<Exports.PublicHeaders.Filter>().WithTags("Snapshots");

        data.MapGet("/latest/{name}", async (string name, SnapshotQueries snapshots, CancellationToken ct) =>
                await snapshots.LatestPublishedAsync(ct) is { } id
                    ? Results.Redirect($"/data/snapshots/{id}/{Uri.EscapeDataString(name)}")
                    : Results.Problem("No snapshot is published yet.", statusCode: 404))
            .WithName("LatestSnapshotFile")
            .WithSummary("Redirects to a file of the latest published snapshot (states-daily.csv|json|parquet, us-daily.csv|json|parquet, states-info.csv|json|parquet, datapackage.json, "
                + "manifest.json, changelog.json, SHA256SUMS, SHA256SUMS.sig, public-key.pem).");

        data.MapMethods("/{id:guid}/" + SnapshotManifest.ManifestFile, GetAndHead, async (Guid id, SnapshotQueries snapshots, HttpContext http, CancellationToken ct) =>
                await snapshots.ManifestAsync(id, ct) is { } manifest ? Immutably(http, Results.Bytes(manifest, "application/json; charset=utf-8")) : NotFound())
            .WithName("SnapshotManifest")
            .WithSummary("A published snapshot's manifest: its files with sizes, row counts and SHA-256 sums, the last batch it includes, when it was made, "
                + "the audit chain's head, and (when signed) its signature's key.");

        data.MapMethods("/{id:guid}/" + SnapshotManifest.ChangelogFile, GetAndHead, async (Guid id, SnapshotQueries snapshots, HttpContext http, CancellationToken ct) =>
                await snapshots.ChangelogAsync(id, ct) is { } changelog
                    ? Immutably(http, Results.Bytes(Encoding.UTF8.GetBytes(changelog), "application/json; charset=utf-8"))
                    : NotFound())
            .WithName("SnapshotChangelog")
            .WithSummary("What changed since the previous snapshot: rows added and cells changed, old → new.");

        data.MapMethods("/{id:guid}/" + SnapshotManifest.ChecksumsFile, GetAndHead, async (Guid id, SnapshotQueries snapshots, HttpContext http, CancellationToken ct) =>
                await snapshots.SignatureAsync(id, ct) is { } signed
                    ? Immutably(http, Results.Bytes(signed.Checksums, "text/plain; charset=utf-8"))
                    : await NotSignedAsync(id, snapshots, ct))
            .WithName("SnapshotChecksums")
            .WithSummary("A signed snapshot's checksum list in sha256sum's format (HASH  NAME), naming every file of the snapshot, manifest.json and changelog.json included.");

        data.MapMethods("/{id:guid}/" + SnapshotManifest.SignatureFile, GetAndHead, async (Guid id, SnapshotQueries snapshots, HttpContext http, CancellationToken ct) =>
                await snapshots.SignatureAsync(id, ct) is { } signed
                    ? Immutably(http, Results.Bytes(signed.Signature, "application/octet-stream", SnapshotManifest.SignatureFile))
                    : await NotSignedAsync(id, snapshots, ct))
            .WithName("SnapshotSignature")
            .WithSummary("The signature over SHA256SUMS (ECDSA P-256 with SHA-256, DER), as openssl dgst -sha256 -verify reads it.");

        data.MapMethods("/{id:guid}/" + SnapshotManifest.PublicKeyFile, GetAndHead, async (Guid id, SnapshotQueries snapshots, SnapshotSigningKeys keys, HttpContext http, CancellationToken ct) =>
            {
                if (await snapshots.SignatureAsync(id, ct) is not { } signed)
                {
                    return await NotSignedAsync(id, snapshots, ct);
                }

                return keys.Find(signed.SigningKey) is { } key
                    ? Immutably(http, Results.Bytes(key.PemBytes(), PemContentType))
                    : Results.Problem($"This snapshot was signed with the key whose fingerprint is {signed.SigningKey}, which this server no longer publishes.", statusCode: 404);
            })
            .WithName("SnapshotSigningKey")
            .WithSummary("The public key (PEM) that signed this snapshot: the current one, or an earlier one kept after a rotation.");

        data.MapMethods("/{id:guid}/{name}", GetAndHead, async (Guid id, string name, SnapshotQueries snapshots, Exports.PublicFileStore store,
                HttpContext http, CancellationToken ct) =>
            {
                // A snapshot file never changes: read from the database once per instance, compressed once, kept in the bounded cache.
                var file = await store.CachedAsync(Exports.PublicFileStore.SnapshotKey(id, name), async c => await snapshots.FileAsync(id, name, c) is { } download
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

    private static async Task<IResult> NotSignedAsync(Guid id, SnapshotQueries snapshots, CancellationToken ct) =>
        await snapshots.IsPublishedAsync(id, ct) ? Results.Problem(UnsignedMessage, statusCode: 404) : NotFound();

    private static IResult NotFound() => Results.Problem("There is no published snapshot file here.", statusCode: 404);
}
