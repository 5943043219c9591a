using System.Buffers.Binary;
using System.IO.Compression;

namespace CovidEntry.Tests.Infrastructure;

/// <summary>
/// Just enough of PNG to check a screenshot: its size and its pixels (8-bit RGB or RGBA, not
/// interlaced, which is what Chromium writes). No image library is needed for that.
/// </summary>
public sealed class Png
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly byte[] _pixels;
    private readonly int _channels;

    private Png(int width, int height, int channels, byte[] pixels)
    {
        Width = width;
        Height = height;
        _channels = channels;
        _pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    public static bool HasSignature(byte[] bytes) => bytes.AsSpan().StartsWith(Signature);

    /// <summary>Width and height from the header alone.</summary>
    public static (int Width, int Height) Size(byte[] png)
    {
        Assert.True(HasSignature(png), "Not a PNG: the signature is missing.");
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    public static Png Decode(byte[] png)
    {
        var (width, height) = Size(png);
        var bitDepth = png[24];
        var colourType = png[25];
        var interlace = png[28];
        Assert.True(bitDepth == 8 && colourType is 2 or 6 && interlace == 0, $"Unsupported PNG: bit depth {bitDepth}, colour type {colourType}, interlace {interlace}.");
        var channels = colourType == 6 ? 4 : 3;

        using var compressed = new MemoryStream();
        for (var offset = 8; offset < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            var type = System.Text.Encoding.ASCII.GetString(png, offset + 4, 4);
            if (type == "IDAT")
            {
                compressed.Write(png, offset + 8, length);
            }

            offset += 12 + length;
        }

        compressed.Position = 0;
        using var inflater = new ZLibStream(compressed, CompressionMode.Decompress);
        var stride = width * channels;
        var raw = new byte[(stride + 1) * height];
        inflater.ReadExactly(raw);
        return new Png(width, height, channels, Unfilter(raw, width, height, channels));
    }

    /// <summary>The colour at (x, y) as 0xRRGGBB; transparency is ignored.</summary>
    public int Rgb(int x, int y)
    {
        var at = ((y * Width) + x) * _channels;
        return (_pixels[at] << 16) | (_pixels[at + 1] << 8) | _pixels[at + 2];
    }

    /// <summary>Where the image first differs from <paramref name="rgb"/>, row by row; null if nowhere.</summary>
    public (int X, int Y)? FirstPixelOtherThan(int rgb)
    {
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                if (Rgb(x, y) != rgb)
                {
                    return (x, y);
                }
            }
        }

        return null;
    }

    private static byte[] Unfilter(byte[] raw, int width, int height, int channels)
    {
        var stride = width * channels;
        var pixels = new byte[stride * height];
        for (var row = 0; row < height; row++)
        {
            var filter = raw[row * (stride + 1)];
            var source = (row * (stride + 1)) + 1;
            var target = row * stride;
            for (var i = 0; i < stride; i++)
            {
                int left = i >= channels ? pixels[target + i - channels] : 0;
                int up = row > 0 ? pixels[target - stride + i] : 0;
                int upLeft = row > 0 && i >= channels ? pixels[target - stride + i - channels] : 0;
                var predictor = filter switch
                {
                    0 => 0,
                    1 => left,
                    2 => up,
                    3 => (left + up) / 2,
                    4 => Paeth(left, up, upLeft),
                    _ => throw new InvalidDataException($"Unknown PNG filter {filter} on row {row}."),
                };
                pixels[target + i] = (byte)(raw[source + i] + predictor);
            }
        }

        return pixels;
    }

    private static int Paeth(int left, int up, int upLeft)
    {
        var estimate = left + up - upLeft;
        var toLeft = Math.Abs(estimate - left);
        var toUp = Math.Abs(estimate - up);
        var toUpLeft = Math.Abs(estimate - upLeft);
        return toLeft <= toUp && toLeft <= toUpLeft ? left : toUp <= toUpLeft ? up : upLeft;
    }
}
