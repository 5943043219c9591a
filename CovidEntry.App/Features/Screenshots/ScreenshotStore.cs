using System.Security.Cryptography;
using CovidEntry.App.Data;
using CovidEntry.App.Features.Audit;
using CovidEntry.Domain;
using CovidEntry.Domain.Audit;
using CovidEntry.Domain.Screenshots;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Screenshots;

/// <summary>
/// Keeps images content-addressed: checked and re-encoded first (<see cref="ImageDecoder"/>),
/// then stored once under the SHA-256 of the stored bytes, with its thumbnail.
/// </summary>
public sealed class ScreenshotStore(TimeProvider clock)
{
    /// <summary>
    /// Stores the image's bytes unless the same bytes are stored already, inside the caller's
    /// transaction. Identical images share one row; two stores of the same image at once are fine.
    /// </summary>
    public async Task<StoredImage> StoreAsync(CovidEntryDbContext db, SanitizedImage image, CancellationToken cancellationToken)
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(image.Bytes));
        var now = clock.GetUtcNow().UtcDateTime;
        var inserted = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "ImageBlobs" ("Sha256", "Content", "ContentType", "Width", "Height", "ByteCount", "Thumbnail", "ThumbnailContentType", "StoredAtUtc")
            VALUES ({sha}, {image.Bytes}, {image.ContentType}, {image.Width}, {image.Height}, {image.Bytes.LongLength}, {image.Thumbnail}, {image.ThumbnailContentType}, {now})
            ON CONFLICT ("Sha256") DO NOTHING
            """, cancellationToken);
        if (inserted > 0)
        {
            await AuditLog.RecordRowsAsync<ImageBlob>(db, AuditAction.Insert, [sha],
            [
                new FieldChange(nameof(ImageBlob.ContentType), null, image.ContentType),
                new FieldChange(nameof(ImageBlob.Width), null, image.Width.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new FieldChange(nameof(ImageBlob.Height), null, image.Height.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new FieldChange(nameof(ImageBlob.ByteCount), null, image.Bytes.LongLength.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ], cancellationToken);
        }

        return new StoredImage(sha, image.Bytes.LongLength, image.Width, image.Height, image.ContentType);
    }
}
