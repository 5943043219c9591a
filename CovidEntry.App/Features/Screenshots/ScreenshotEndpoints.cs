using CovidEntry.App.Data;
using CovidEntry.Domain.Screenshots;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

namespace CovidEntry.App.Features.Screenshots;

/// <summary>
/// The public side of screenshots: the images themselves (by content hash, so they never change
/// and cache forever) and each jurisdiction's archive as JSON. The public gets only the
/// screenshots that are public (<see cref="ScreenshotVisibility"/>); anything else is a 404, the
/// same as a hash nobody stored. The staff, signed in, get every image, marked private so no
/// shared cache keeps it for the next visitor.
/// </summary>
public static class ScreenshotEndpoints
{
    public const int ArchivePageSize = 100;

    public const string PageHelp = "page must be a whole number from 1 to 100,000, such as ?page=2.";

    /// <summary>The archive's page number from the query: missing is page 1; anything but 1 … 100,000 in ASCII digits is refused.</summary>
    public static bool TryParsePage(string? text, out int page)
    {
        page = 1;
        return string.IsNullOrEmpty(text)
            || (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out page) && page is >= 1 and <= 100_000);
    }

    private const string HashPattern = "^[0-9a-f]{{64}}$";

    public static string ImagePath(string sha256) => $"screenshots/{sha256}";

    public static string ThumbnailPath(string sha256) => $"screenshots/{sha256}/thumbnail";

    public static void MapScreenshots(this WebApplication app)
    {
        var images = app.MapGroup("/screenshots").AllowAnonymous().WithTags("Screenshots");
        images.MapGet($"/{{sha256:regex({HashPattern})}}", (string sha256, HttpContext http, IDbContextFactory<CovidEntryDbContext> dbFactory, CancellationToken ct) =>
                ImageAsync(sha256, thumbnail: false, http, dbFactory, ct))
            .WithName("ScreenshotImage")
            .WithSummary("A public screenshot (cited by a published value or approved by a lead) by the SHA-256 of its bytes.");
        images.MapGet($"/{{sha256:regex({HashPattern})}}/thumbnail", (string sha256, HttpContext http, IDbContextFactory<CovidEntryDbContext> dbFactory, CancellationToken ct) =>
                ImageAsync(sha256, thumbnail: true, http, dbFactory, ct))
            .WithName("ScreenshotThumbnail")
            .WithSummary("A screenshot's thumbnail (at most 320 pixels wide).");

        app.MapGet("/api/v2/states/{code}/screenshots.json", ArchiveAsync)
            .AllowAnonymous()
            .WithTags("v2 files")
            .WithName("ScreenshotArchive")
            .WithSummary($"A jurisdiction's public screenshots, newest first, {ArchivePageSize} per page (?page=1, 2, …): time, source label, size, SHA-256 and image links.");
    }

    private static async Task<IResult> ImageAsync(string sha256, bool thumbnail, HttpContext http, IDbContextFactory<CovidEntryDbContext> dbFactory, CancellationToken ct)
    {
        http.Response.Headers.XContentTypeOptions = "nosniff";
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var screenshots = db.Screenshots.Where(s => s.Sha256 == sha256);
        var isPublic = await screenshots.PublicOnly(db).AnyAsync(ct);
        if (!isPublic && !(ScreenshotVisibility.IsStaff(http.User) && await screenshots.AnyAsync(ct)))
        {
            // Not cached: a screenshot the public may not see yet may become public when it is cited or approved.
            http.Response.Headers.CacheControl = "no-store";
            return Results.Problem("There is no screenshot with that hash.", statusCode: StatusCodes.Status404NotFound);
        }

        // The bytes never change; who may see them does, once, from the staff to everyone.
        http.Response.Headers.CacheControl = isPublic ? "public, max-age=31536000, immutable" : "private, max-age=31536000, immutable";
        var etag = new EntityTagHeaderValue($"\"{sha256}{(thumbnail ? "-t" : "")}\"");
        if (http.Request.Headers.IfNoneMatch.Any(value => value == etag.ToString()))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        var query = db.ImageBlobs.AsNoTracking().Where(b => b.Sha256 == sha256);
        var image = thumbnail
            ? await query.Select(b => new { Bytes = b.Thumbnail, Type = b.ThumbnailContentType }).SingleAsync(ct)
            : await query.Select(b => new { Bytes = b.Content, Type = b.ContentType }).SingleAsync(ct);
        return Results.File(image.Bytes, image.Type, entityTag: etag);
    }

    private static async Task<IResult> ArchiveAsync(string code, [FromQuery] string? page, ScreenshotService screenshots,
        IDbContextFactory<CovidEntryDbContext> dbFactory, CancellationToken ct)
    {
        var state = code.ToUpperInvariant();
        if (!TryParsePage(page, out var number))
        {
            return Results.Problem(PageHelp, statusCode: StatusCodes.Status400BadRequest);
        }

        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            if (state.Length != 2 || !await db.Jurisdictions.AnyAsync(j => j.Code == state, ct))
            {
                return Results.Problem($"There is no jurisdiction \"{code}\". Use a two-letter code such as NY.", statusCode: StatusCodes.Status404NotFound);
            }
        }

        // The public file lists what the public may see, whoever asks for it.
        var items = await screenshots.ArchiveAsync(state, (number - 1) * ArchivePageSize, ArchivePageSize, publicOnly: true, ct);
        return Results.Json(new
        {
            state,
            page = number,
            pageSize = ArchivePageSize,
            screenshots = items.Select(PublicMetadata),
        });
    }

    /// <summary>What the public may know about a screenshot: never who uploaded it.</summary>
    public static object PublicMetadata(ScreenshotView s) => new
    {
        id = s.Id,
        takenAtUtc = s.TakenAtUtc,
        source = s.SourceLabel,
        kind = s.Origin.Kind(),
        description = s.Origin.Describe(s.SourceLabel),
        sha256 = s.Sha256,
        bytes = s.ByteCount,
        width = s.Width,
        height = s.Height,
        contentType = s.ContentType,
        url = "/" + s.ImageUrl,
        thumbnailUrl = "/" + s.ThumbnailUrl,
    };
}
