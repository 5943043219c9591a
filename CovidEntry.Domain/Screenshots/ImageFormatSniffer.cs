namespace CovidEntry.Domain.Screenshots;

/// <summary>
/// Tells an image's format from its first bytes. A file's name, extension and claimed content
/// type are chosen by whoever sends it, so they are never asked.
/// </summary>
public static class ImageFormatSniffer
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static ReadOnlySpan<byte> JpegSignature => [0xFF, 0xD8, 0xFF];
    private static ReadOnlySpan<byte> Riff => "RIFF"u8;
    private static ReadOnlySpan<byte> WebP => "WEBP"u8;

    /// <summary>The format the bytes start like, or null when they are none of PNG, JPEG or WebP.</summary>
    public static ImageFormat? Sniff(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith(PngSignature))
        {
            return ImageFormat.Png;
        }

        if (bytes.StartsWith(JpegSignature))
        {
            return ImageFormat.Jpeg;
        }

        // "RIFF", four bytes of length, then the form type: RIFF also wraps WAV and AVI.
        if (bytes.Length >= 12 && bytes.StartsWith(Riff) && bytes.Slice(8, 4).SequenceEqual(WebP))
        {
            return ImageFormat.WebP;
        }

        return null;
    }
}
