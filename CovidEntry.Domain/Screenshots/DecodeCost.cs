using System.Buffers.Binary;
using System.Globalization;

namespace CovidEntry.Domain.Screenshots;

/// <summary>What an image's header says about how it is coded, beyond its size: enough to price its decoding.</summary>
public sealed record ImageCoding(int SourceBitsPerPixel, bool Interlaced, bool Progressive, bool ArithmeticCoded, int Components)
{
    public static readonly ImageCoding Unknown = new(32, Interlaced: false, Progressive: false, ArithmeticCoded: false, Components: 4);

    /// <summary>
    /// Reads the PNG IHDR or the JPEG frame header (SOFn); anything else, or a header it cannot
    /// read, is <see cref="Unknown"/>, which prices decoding at its most expensive.
    /// </summary>
    public static ImageCoding Read(ReadOnlySpan<byte> bytes, ImageFormat format) => format switch
    {
        ImageFormat.Png => Png(bytes),
        ImageFormat.Jpeg => Jpeg(bytes),
        _ => Unknown,
    };

    private static ImageCoding Png(ReadOnlySpan<byte> bytes)
    {
        // Signature (8), IHDR's length and type (8), width and height (8), then bit depth, colour
        // type, compression, filter and interlace method.
        if (bytes.Length < 29 || !bytes.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            return Unknown;
        }

        var bitDepth = bytes[24];
        var channels = bytes[25] switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => 4 };
        return new ImageCoding(bitDepth * channels, Interlaced: bytes[28] == 1, Progressive: false, ArithmeticCoded: false, channels);
    }

    private static ImageCoding Jpeg(ReadOnlySpan<byte> bytes)
    {
        for (var offset = 2; offset + 4 <= bytes.Length;)
        {
            if (bytes[offset] != 0xFF)
            {
                return Unknown;
            }

            var marker = bytes[offset + 1];
            if (marker == 0xFF)
            {
                // Fill bytes before a marker.
                offset++;
                continue;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(bytes[(offset + 2)..]);

            // SOF0…SOF15 but DHT (C4), JPG (C8) and DAC (CC): the frame header, with the coding.
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                var components = offset + 9 < bytes.Length ? bytes[offset + 9] : 4;
                var progressive = marker is 0xC2 or 0xC6 or 0xCA or 0xCE;
                var arithmetic = marker >= 0xC9;
                var precision = offset + 4 < bytes.Length ? bytes[offset + 4] : 8;
                return new ImageCoding(precision * components, Interlaced: false, progressive, arithmetic, components);
            }

            if (marker == 0xDA)
            {
                return Unknown;
            }

            offset += 2 + length;
        }

        return Unknown;
    }
}

/// <summary>
/// What decoding an image will cost, known from its header before a single pixel is allocated,
/// and whether the file can even hold the pixels it claims. A 96-byte PNG that claims 40
/// megapixels would otherwise have 160 MB allocated for it before anything noticed it was empty.
/// </summary>
public static class DecodeCost
{
    /// <summary>
    /// Deflate (PNG's compression) cannot shrink data more than about 1032 to 1: each 258-byte
    /// match costs at least two bits. A PNG smaller than its pixel rows divided by this is missing
    /// most of them.
    /// </summary>
    public const long DeflateMaxRatio = 1032;

    /// <summary>A Huffman-coded JPEG spends at least one bit on every 8 × 8 block of a full-resolution component.</summary>
    public const long JpegPixelsPerByte = 8 * 8 * 8;

    /// <summary>Room for the decoder's own state, the thumbnail and the encoders' buffers.</summary>
    public const long Overhead = 4 * 1024 * 1024;

    /// <summary>
    /// Bytes that decoding, checking and re-encoding the image holds at once: its RGBA bitmap (4
    /// bytes a pixel), what the decoder keeps of the whole image on top (an interlaced PNG's
    /// source rows, a progressive JPEG's coefficients, a WebP's own buffer), the file twice (a
    /// copy for the decoder and the re-encoded output), and a fixed overhead.
    /// </summary>
    public static long Bytes(ImageFormat format, int width, int height, ImageCoding coding, long fileLength)
    {
        ArgumentNullException.ThrowIfNull(coding);
        var pixels = (long)width * height;
        var decoder = format switch
        {
            ImageFormat.Png when coding.Interlaced => pixels * Math.Max(1, (coding.SourceBitsPerPixel + 7) / 8),
            ImageFormat.Jpeg when coding.Progressive => pixels * 2 * Math.Max(1, coding.Components),
            ImageFormat.WebP => pixels * 4,
            _ => 0,
        };
        return pixels * 4 + decoder + 2 * fileLength + Overhead;
    }

    /// <summary>
    /// Null when the file could hold the pixels its header claims; otherwise a sentence for the
    /// person who sent it. Cheap bounds that no honest file breaks: a PNG smaller than its rows
    /// compressed at deflate's best, a JPEG with less than a bit per block, and arithmetic-coded
    /// JPEG (which can pack a block into almost nothing and which browsers do not show anyway).
    /// </summary>
    public static string? Implausible(ImageFormat format, int width, int height, ImageCoding coding, long fileLength)
    {
        ArgumentNullException.ThrowIfNull(coding);
        var pixels = (long)width * height;
        var least = format switch
        {
            ImageFormat.Png => height * ((width * (long)Math.Max(1, coding.SourceBitsPerPixel) + 7) / 8) / DeflateMaxRatio,
            ImageFormat.Jpeg => pixels / JpegPixelsPerByte,
            _ => 0,
        };
        if (format == ImageFormat.Jpeg && coding.ArithmeticCoded)
        {
            return "Arithmetic-coded JPEG images are not accepted (browsers do not show them either); save it as an ordinary JPEG or as PNG.";
        }

        return fileLength < least
            ? string.Create(CultureInfo.InvariantCulture,
                $"The image claims to be {width} × {height} pixels, but a file of {fileLength:N0} bytes cannot hold that many: it is damaged. Take the screenshot again.")
            : null;
    }
}
