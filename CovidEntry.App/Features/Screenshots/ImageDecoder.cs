using System.Globalization;
using CovidEntry.Domain;
using Microsoft.Extensions.Options;

namespace CovidEntry.App.Features.Screenshots;

/// <summary>
/// Checks and re-encodes untrusted image bytes (uploads, pastes, captures) within the app's
/// <see cref="DecodeBudget"/>: the header is read first (no pixel allocated), the memory its
/// decoding needs is reserved, and only then is it decoded, off the caller's thread.
/// </summary>
public sealed class ImageDecoder(DecodeBudget budget, IOptions<ScreenshotSettings> settings, ILogger<ImageDecoder> logger)
{
    public const string Busy = "The server is busy reading other images right now, so this one was not stored. Try again in a minute.";

    /// <summary>The sanitized image, or a refusal with a sentence; never an exception for bad or costly input.</summary>
    public async Task<SanitizeResult> SanitizeAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var inspection = ImageSanitizer.Inspect(bytes);
        if (inspection.Refusal is { } refusal)
        {
            return SanitizeResult.Refused(refusal.Reason, refusal.Message);
        }

        if (inspection.DecodeBytes > budget.TotalBytes)
        {
            return SanitizeResult.Refused(ImageRefusalReason.OverBudget, string.Create(CultureInfo.InvariantCulture,
                $"The image is {inspection.Width} × {inspection.Height} pixels: reading it would take {inspection.DecodeBytes / (1024 * 1024):N0} MB, more than the {budget.TotalBytes / (1024 * 1024):N0} MB this server sets aside for images. Crop it, or capture a part of the page."));
        }

        using var lease = await budget.ReserveAsync(inspection.DecodeBytes, settings.Value.DecodeWait, cancellationToken);
        if (lease is null)
        {
            logger.LogWarning("An image of {Width} × {Height} was refused: the decode budget stayed full for {Wait}", inspection.Width, inspection.Height, settings.Value.DecodeWait);
            return SanitizeResult.Refused(ImageRefusalReason.OverBudget, Busy);
        }

        // Decoding and re-encoding is CPU work of up to a second: not on a circuit's thread.
        return await Task.Run(() => ImageSanitizer.Sanitize(bytes), cancellationToken);
    }

    /// <summary>As <see cref="SanitizeAsync"/>, a refusal thrown as a <see cref="DomainException"/> for the person who gave the image.</summary>
    public async Task<SanitizedImage> PrepareAsync(byte[] bytes, CancellationToken cancellationToken) =>
        await SanitizeAsync(bytes, cancellationToken) switch
        {
            { Image: { } image } => image,
            { Refusal: { } refusal } => throw new DomainException(refusal.Message),
            _ => throw new DomainException("The image could not be read."),
        };
}
