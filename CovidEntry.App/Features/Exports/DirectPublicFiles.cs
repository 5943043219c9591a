using CovidEntry.App.Features.Snapshots;

namespace CovidEntry.App.Features.Exports;

/// <summary>
/// Answers the public files that are ready in memory (the current generation's, and snapshot files
/// already cached) before sign-in, antiforgery, the audit actor and the page machinery, none of which
/// a public file needs. Through the whole pipeline the small files were served at about half of nginx's
/// rate (issue 20, docs/benchmarks.md). Anything else goes on to the endpoints, which answer the same
/// file the same way: another method, a query (asOf), another spelling of the path, a file not made yet.
/// The security headers, HSTS and the exception handler run before this.
/// </summary>
public static class DirectPublicFiles
{
    private const string SnapshotsPrefix = "/data/snapshots/";

    public static IApplicationBuilder UseDirectPublicFiles(this IApplicationBuilder app)
    {
        var store = app.ApplicationServices.GetRequiredService<PublicFileStore>();
        var priority = app.ApplicationServices.GetRequiredService<Publish.PublishPriority>();
        return app.Use((context, next) => Find(store, context.Request) is { } found
            ? PublicHeaders.ServeDirectAsync(context, found.File, found.CacheControl, priority)
            : next(context));
    }

    /// <summary>The ready file this GET or HEAD asks for exactly, with the caching it is served with; null for anything else.</summary>
    public static (PublicFile File, string CacheControl)? Find(PublicFileStore store, HttpRequest request)
    {
        if (!(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) || request.QueryString.HasValue || request.Path.Value is not { } path)
        {
            return null;
        }

        if (path.StartsWith("/api/", StringComparison.Ordinal))
        {
            return store.Current?.Find(path[1..]) is { } file ? (file, store.CurrentCacheControl) : null;
        }

        if (path.StartsWith(SnapshotsPrefix, StringComparison.Ordinal))
        {
            var rest = path.AsSpan(SnapshotsPrefix.Length);
            var slash = rest.IndexOf('/');
            if (slash > 0 && Guid.TryParse(rest[..slash], out var id)
                && store.TryCached(PublicFileStore.SnapshotKey(id, rest[(slash + 1)..].ToString())) is { } snapshotFile)
            {
                return (snapshotFile, SnapshotEndpoints.Immutable);
            }
        }

        return null;
    }
}
