using CovidEntry.App.Features.Publish;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace CovidEntry.App.Features.Exports;

/// <summary>
/// The public files answer like a good static file server: each form of a file (as is, gzip, Brotli)
/// with its own strong ETag, Last-Modified, Content-Length, HEAD, Range (one range, of the file as is),
/// 304 and 412 by ASP.NET Core's own file results; and CORS for any site, without credentials, on
/// the public read-only paths only. Every body gives way to a publish on this instance
/// (<see cref="PublishPriority"/>) before each part it hands to the connection.
/// </summary>
public static class PublicHeaders
{
    /// <summary>Paths whose GET and HEAD answers any site's scripts may read (never a page, never the interactive hub).</summary>
    public static readonly string[] CorsPaths = ["/api/v1/", "/api/v2/", "/data/snapshots/"];

    public const string ExposedHeaders = "ETag, Last-Modified, Content-Length, Content-Range, Content-Encoding, Content-Disposition, Accept-Ranges";

    /// <summary>Serves one form of <paramref name="file"/>: Brotli or gzip when the client takes it, the bytes as they are for a Range request.</summary>
    public static IResult Serve(HttpContext http, PublicFile file, string cacheControl)
    {
        var (body, tag, encoding) = Form(http, file, cacheControl);
        if (encoding is not null)
        {
            http.Response.Headers.ContentEncoding = encoding;
        }

        // As a stream, which ASP.NET Core copies to the connection in 64 KB parts: a slow reader of a
        // large range holds that much memory, not a copy of the whole range.
        var stream = new GivingWayStream(body, http.RequestServices.GetRequiredService<PublishPriority>());
        return Results.Stream(stream, file.ContentType, file.DownloadName, lastModified: file.LastModified, entityTag: tag,
            enableRangeProcessing: true);
    }

    /// <summary>
    /// Serves <paramref name="file"/> outside any endpoint (<see cref="DirectPublicFiles"/>), with the
    /// headers the endpoints write, CORS included. A plain GET or HEAD, the usual request, is written
    /// here with the headers formatted once per file; a request with a range or a condition is answered
    /// by ASP.NET Core's stream result, as at the endpoints.
    /// </summary>
    public static Task ServeDirectAsync(HttpContext http, PublicFile file, string cacheControl, PublishPriority priority)
    {
        var request = http.Request.Headers;
        var headers = http.Response.Headers;
        AllowAnySite(headers);
        if (request.Range.Count > 0 || request.IfNoneMatch.Count > 0 || request.IfModifiedSince.Count > 0
            || request.IfMatch.Count > 0 || request.IfUnmodifiedSince.Count > 0 || request.IfRange.Count > 0)
        {
            return Serve(http, file, cacheControl).ExecuteAsync(http);
        }

        var (body, tag, encoding) = Form(http, file, cacheControl);
        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = file.ContentType;
        response.ContentLength = body.Length;
        if (encoding is not null)
        {
            headers.ContentEncoding = encoding;
        }

        headers.LastModified = file.LastModifiedHeader;
        headers.ETag = tag.ToString();
        headers.AcceptRanges = "bytes";
        if (file.ContentDispositionHeader is { } disposition)
        {
            headers.ContentDisposition = disposition;
        }

        return HttpMethods.IsHead(http.Request.Method) ? Task.CompletedTask : WriteAsync(http, body, priority);
    }

    /// <summary>
    /// The most of a file handed to the connection at once. A write is copied whole into the
    /// connection's buffers before it waits for the client, so a client that reads slowly would
    /// otherwise hold a copy of the whole file (22 MB for the states JSON) until it is done; a file of
    /// up to this size goes in one write, as most do.
    /// </summary>
    public const int WriteChunkBytes = 256 * 1024;

    private static async Task WriteAsync(HttpContext http, byte[] body, PublishPriority priority)
    {
        var writer = http.Response.BodyWriter;
        for (var offset = 0; offset < body.Length;)
        {
            await priority.GiveWayAsync(http.RequestAborted);
            var length = Math.Min(WriteChunkBytes, body.Length - offset);
            var result = await writer.WriteAsync(body.AsMemory(offset, length), http.RequestAborted);
            offset += length;
            if ((result.IsCanceled || result.IsCompleted) && offset < body.Length)
            {
                // The client went away with part of the file unsent. The connection is ended here, as
                // the server would end it: answered with less than its Content-Length, it would
                // otherwise be reported as the application's error if the server had not yet noticed
                // the client was gone (seen once at the end of a benchmark's wrk run).
                http.Abort();
                return;
            }
        }
    }

    /// <summary>The form to send and its tag; writes the caching headers every form shares.</summary>
    private static (byte[] Body, EntityTagHeaderValue Tag, string? Encoding) Form(HttpContext http, PublicFile file, string cacheControl)
    {
        var headers = http.Response.Headers;
        headers.CacheControl = cacheControl;
        headers.Vary = HeaderNames.AcceptEncoding;

        // A range is of the file as it is: download tools resume the file, not one of its compressed forms.
        if (http.Request.Headers.Range.Count > 0)
        {
            return (file.Content, file.Tag, null);
        }

        return Negotiate(http.Request.Headers.AcceptEncoding, file) switch
        {
            "br" => (file.Brotli!, file.BrotliTag, "br"),
            "gzip" => (file.Gzip!, file.GzipTag, "gzip"),
            _ => (file.Content, file.Tag, null),
        };
    }

    /// <summary>The encoding to send: Brotli, then gzip, among those the client accepts (q &gt; 0) and the file has; null for the bytes as they are.</summary>
    public static string? Negotiate(StringValues acceptEncoding, PublicFile file)
    {
        double? brotli = null, gzip = null, any = null;
        foreach (var value in acceptEncoding)
        {
            if (value is null)
            {
                continue;
            }

            foreach (var range in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var parameters = range.Split(';', StringSplitOptions.TrimEntries);
                var quality = 1.0;
                foreach (var parameter in parameters.Skip(1))
                {
                    if (parameter.StartsWith("q=", StringComparison.OrdinalIgnoreCase)
                        && !double.TryParse(parameter.AsSpan(2), System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out quality))
                    {
                        quality = 0;
                    }
                }

                switch (parameters[0].ToLowerInvariant())
                {
                    case "br":
                        brotli = quality;
                        break;
                    case "gzip" or "x-gzip":
                        gzip = quality;
                        break;
                    case "*":
                        any = quality;
                        break;
                }
            }
        }

        var br = brotli ?? any ?? 0;
        var gz = gzip ?? any ?? 0;
        if (file.Brotli is not null && br > 0 && br >= gz)
        {
            return "br";
        }

        return file.Gzip is not null && gz > 0 ? "gzip" : file.Brotli is not null && br > 0 ? "br" : null;
    }

    /// <summary>Any site's scripts may read the answer, without credentials, and the headers a download tool needs.</summary>
    private static void AllowAnySite(IHeaderDictionary headers)
    {
        headers.AccessControlAllowOrigin = "*";
        headers.AccessControlExposeHeaders = ExposedHeaders;
    }

    /// <summary>A file's bytes read as a stream, giving way to a publish before each part is read.</summary>
    private sealed class GivingWayStream(byte[] body, PublishPriority priority) : MemoryStream(body, writable: false)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await priority.GiveWayAsync(cancellationToken);
            return Read(buffer.Span);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken)
        {
            var part = new byte[Math.Min(bufferSize, WriteChunkBytes)];
            int read;
            while ((read = await ReadAsync(part, cancellationToken)) > 0)
            {
                await destination.WriteAsync(part.AsMemory(0, read), cancellationToken);
            }
        }
    }

    /// <summary>CORS on every answer of the group (errors too, so a script can read why); an error is never cached.</summary>
    public sealed class Filter : IEndpointFilter
    {
        public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            var headers = context.HttpContext.Response.Headers;
            AllowAnySite(headers);
            var result = await next(context);
            if (result is IStatusCodeHttpResult { StatusCode: >= 400 })
            {
                headers.Remove(HeaderNames.ETag);
                headers.CacheControl = "no-store";
            }

            return result;
        }
    }

    /// <summary>
    /// Answers CORS preflights on the public paths (a script that sends If-None-Match, say): GET and
    /// HEAD from any site, no credentials. Everything else goes on to the app.
    /// </summary>
    public static IApplicationBuilder UsePublicCorsPreflight(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            if (HttpMethods.IsOptions(request.Method) && request.Headers.Origin.Count > 0
                && request.Headers.AccessControlRequestMethod.Count > 0
                && CorsPaths.Any(p => request.Path.StartsWithSegments(p.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)))
            {
                var headers = context.Response.Headers;
                headers.AccessControlAllowOrigin = "*";
                headers.AccessControlAllowMethods = "GET, HEAD";
                headers.AccessControlAllowHeaders = "Range, If-None-Match, If-Modified-Since, If-Range";
                headers.AccessControlMaxAge = "86400";
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                return;
            }

            await next(context);
        });
}
