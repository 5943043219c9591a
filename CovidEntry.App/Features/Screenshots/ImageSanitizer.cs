using System.Globalization;
using CovidEntry.Domain.Screenshots;
using SkiaSharp;

namespace CovidEntry.App.Features.Screenshots;

/// <summary>
/// Turns untrusted screenshot bytes (a volunteer's upload or paste, or a browser capture) into an
/// image safe to store and show, or a refusal a volunteer can act on. Stored images are
/// content-addressed, so the output is a function of the input: the same bytes in, the same
/// bytes out.
/// </summary>
public static class ImageSanitizer
{
    public const int MaxThumbnailWidth = 320;
    public const string PngContentType = "image/png";
    public const string JpegContentType = "image/jpeg";

    private const int JpegQuality = 90;
    private const int ThumbnailJpegQuality = 80;
    private const int UniformityGridSide = 64;

    /// <summary>
    /// Reads only the header: not empty, at most 10 MB, PNG/JPEG/WebP by magic bytes, dimensions
    /// within <see cref="ImageLimits"/>, and a file large enough to hold the pixels it claims
    /// (<see cref="DecodeCost.Implausible"/>). Allocates no pixel; says what decoding will cost.
    /// </summary>
    public static ImageInspection Inspect(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return ImageInspection.Refused(ImageRefusalReason.Empty, "The file is empty.");
        }

        if (!ImageLimits.AllowsSize(input.Length))
        {
            return ImageInspection.Refused(
                ImageRefusalReason.TooLarge,
                "The image is larger than 10 MB; crop it or save it as JPEG, then try again.");
        }

        if (ImageFormatSniffer.Sniff(input) is not { } format)
        {
            return ImageInspection.Refused(
                ImageRefusalReason.NotAnImage,
                "Only PNG, JPEG or WebP images are accepted; this file is not one of them.");
        }

        int width, height;
        using (var data = SKData.CreateCopy(input))
        using (var codec = SKCodec.Create(data))
        {
            if (codec is null)
            {
                return ImageInspection.Refused(Damaged().Refusal!.Reason, Damaged().Refusal!.Message);
            }

            width = codec.Info.Width;
            height = codec.Info.Height;
        }

        if (!ImageLimits.AllowsDimensions(width, height))
        {
            return ImageInspection.Refused(
                ImageRefusalReason.TooManyPixels,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"The image is {width} × {height} pixels; at most {ImageLimits.MaxSide} on a side and {ImageLimits.MaxPixels / 1_000_000} megapixels in all are accepted."));
        }

        var coding = ImageCoding.Read(input, format);
        if (DecodeCost.Implausible(format, width, height, coding, input.Length) is { } implausible)
        {
            return ImageInspection.Refused(ImageRefusalReason.Damaged, implausible);
        }

        return new ImageInspection(format, width, height, DecodeCost.Bytes(format, width, height, coding, input.Length), null);
    }

    /// <summary>
    /// Checks the header (<see cref="Inspect"/>), then decodes fully. An accepted image is
    /// re-encoded from its pixels (PNG and WebP as PNG, JPEG as JPEG quality 90), so metadata and
    /// anything after the image data are gone. Bad input is always a refusal, never an exception;
    /// it throws only when the server itself fails (out of memory, an encoder error). Synchronous
    /// and CPU-bound: about half a second for a 1280 × 8000 capture. Decoding costs memory (see
    /// <see cref="ImageInspection.DecodeBytes"/>): callers go through <see cref="ImageDecoder"/>,
    /// which keeps all decodes at once within a budget.
    /// </summary>
    public static SanitizeResult Sanitize(ReadOnlySpan<byte> input)
    {
        var inspection = Inspect(input);
        if (inspection.Refusal is { } refusal)
        {
            return SanitizeResult.Refused(refusal.Reason, refusal.Message);
        }

        var format = inspection.Format;
        var width = inspection.Width;
        var height = inspection.Height;
        using var data = SKData.CreateCopy(input);
        using var codec = SKCodec.Create(data);
        if (codec is null)
        {
            return Damaged();
        }

        // RGBA in sRGB whatever the source: a known byte order for the luminance grid, and colours
        // that look the same in every browser once the source's colour profile is dropped.
        var info = new SKImageInfo(
            width,
            height,
            SKColorType.Rgba8888,
            codec.Info.AlphaType == SKAlphaType.Opaque ? SKAlphaType.Opaque : SKAlphaType.Unpremul,
            SKColorSpace.CreateSrgb());
        using var bitmap = new SKBitmap();
        if (!bitmap.TryAllocPixels(info))
        {
            throw new InvalidOperationException($"Could not allocate a {width} × {height} bitmap to decode a screenshot.");
        }

        // Anything but full success is a refusal: IncompleteInput means a truncated file whose
        // missing rows Skia filled in, and a half image must never be stored as if whole.
        if (codec.GetPixels(info, bitmap.GetPixels()) != SKCodecResult.Success)
        {
            return Damaged();
        }

        // The same sRGB pixels, untagged: Skia writes no colour profile for them (a JPEG would
        // otherwise carry an ICC segment), and browsers take untagged images as sRGB anyway.
        using var pixels = new SKPixmap(info.WithColorSpace(null), bitmap.GetPixels(), bitmap.RowBytes);
        var (bytes, contentType, outputFormat) = format == ImageFormat.Jpeg
            ? (Encode(pixels.Encode(new SKJpegEncoderOptions(JpegQuality, SKJpegEncoderDownsample.Downsample444, SKJpegEncoderAlphaOption.Ignore))), JpegContentType, ImageFormat.Jpeg)
            : (Encode(pixels.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.AllFilters, 6))), PngContentType, ImageFormat.Png);

        return SanitizeResult.Accepted(new SanitizedImage(
            bytes,
            contentType,
            outputFormat,
            width,
            height,
            Thumbnail(pixels),
            JpegContentType,
            ImageUniformity.IsNearlyUniform(LuminanceGrid(pixels))));
    }

    private static SanitizeResult Damaged() =>
        SanitizeResult.Refused(
            ImageRefusalReason.Damaged,
            "The image is damaged or incomplete and could not be read; take the screenshot again.");

    private static byte[] Encode(SKData? encoded)
    {
        using (encoded)
        {
            return encoded?.ToArray() ?? throw new InvalidOperationException("Skia could not encode a decoded screenshot.");
        }
    }

    private static byte[] Thumbnail(SKPixmap source)
    {
        var width = Math.Min(MaxThumbnailWidth, source.Width);
        var height = (int)Math.Max(1, ((long)source.Height * width + source.Width / 2) / source.Width);

        using var thumbnail = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(thumbnail))
        using (var image = SKImage.FromPixels(source))
        {
            // JPEG has no transparency: a transparent PNG is shown on white, as a page would be.
            canvas.Clear(SKColors.White);
            canvas.DrawImage(image, new SKRect(0, 0, width, height), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        }

        using var pixels = thumbnail.PeekPixels();
        return Encode(pixels.Encode(new SKJpegEncoderOptions(ThumbnailJpegQuality)));
    }

    /// <summary>
    /// The image's luminance averaged over an up to 64 × 64 grid of cells, transparent pixels taken
    /// as white. Averaging, not point sampling: a thin line of text would fall between samples.
    /// </summary>
    private static byte[] LuminanceGrid(SKPixmap pixmap)
    {
        var width = pixmap.Width;
        var height = pixmap.Height;
        var columns = Math.Min(UniformityGridSide, width);
        var rows = Math.Min(UniformityGridSide, height);

        var columnOf = new int[width];
        for (var x = 0; x < width; x++)
        {
            columnOf[x] = (int)((long)x * columns / width);
        }

        var sums = new long[columns * rows];
        var counts = new long[columns * rows];
        var bytes = pixmap.GetPixelSpan();
        for (var y = 0; y < height; y++)
        {
            var cellRow = (int)((long)y * rows / height) * columns;
            var line = bytes.Slice(y * pixmap.RowBytes, width * 4);
            for (int x = 0, i = 0; x < width; x++, i += 4)
            {
                // Rec. 709 weights in 1/256ths (54 + 183 + 19 = 256), then composited over white.
                var luminance = (54 * line[i] + 183 * line[i + 1] + 19 * line[i + 2]) >> 8;
                var alpha = line[i + 3];
                var cell = cellRow + columnOf[x];
                sums[cell] += (luminance * alpha + 255 * (255 - alpha)) / 255;
                counts[cell]++;
            }
        }

        var grid = new byte[sums.Length];
        for (var i = 0; i < grid.Length; i++)
        {
            grid[i] = (byte)(sums[i] / counts[i]);
        }

        return grid;
    }
}
