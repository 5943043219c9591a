using CovidEntry.App.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

namespace CovidEntry.App.Features.Exports;

/// <summary>
/// ETag and Cache-Control for the public files. The tag is the newest id of a version or a reported
/// day (both append-only, from one sequence, so any publish changes it) plus a fingerprint of the catalog and jurisdictions
/// (which rename columns and fill the info file). <c>no-cache</c> makes caches ask every time,
/// and a matching <c>If-None-Match</c> costs one indexed lookup and a 304, never the file.
/// </summary>
public sealed class PublicCaching(IDbContextFactory<CovidEntryDbContext> dbFactory) : IEndpointFilter
{
    public const string CacheControl = "public, no-cache";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var tag = await CurrentTagAsync(http.RequestAborted);
        http.Response.Headers.CacheControl = CacheControl;
        http.Response.Headers.ETag = tag;
        if (http.Request.Headers.IfNoneMatch.Any(value => value is not null && value.Split(',').Any(t => t.Trim() == tag || t.Trim() == "*")))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        var result = await next(context);

        // An error answer must not be cached under the data's tag.
        if (result is IStatusCodeHttpResult { StatusCode: >= 400 })
        {
            http.Response.Headers.Remove(HeaderNames.ETag);
            http.Response.Headers.CacheControl = "no-store";
        }

        return result;
    }

    private async Task<string> CurrentTagAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var token = await db.Database.SqlQueryRaw<string>($"""
            SELECT concat(
                {History.PublishedIds.LastSql}, '-',
                left(md5(
                    (SELECT coalesce(string_agg("Key" || ':' || "V1Column", ',' ORDER BY "Key"), '') FROM "Metrics") ||
                    (SELECT coalesce(string_agg("Code" || ':' || "Name" || ':' || "TotalTestResultsField" || ':' || coalesce("Notes", ''), ',' ORDER BY "Code"), '') FROM "Jurisdictions") ||
                    (SELECT coalesce(string_agg("Url", ',' ORDER BY "Id"), '') FROM "JurisdictionSources")), 12)) AS "Value"
            """).SingleAsync(cancellationToken);
        return $"\"{token}\"";
    }
}
