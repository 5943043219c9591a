namespace CovidEntry.Domain.Screenshots;

/// <summary>
/// The largest screenshot accepted. The pixel limits are what keeps a small file that decodes to
/// an enormous bitmap (a decompression bomb) out: they are checked against the header before any
/// pixel is decoded.
/// </summary>
public static class ImageLimits
{
    public const int MaxBytes = 10 * 1024 * 1024;
    public const int MaxSide = 16384;
    public const long MaxPixels = 40_000_000;

    public static bool AllowsSize(long bytes) => bytes <= MaxBytes;

    public static bool AllowsDimensions(int width, int height) =>
        width > 0 && height > 0 && width <= MaxSide && height <= MaxSide && (long)width * height <= MaxPixels;
}
