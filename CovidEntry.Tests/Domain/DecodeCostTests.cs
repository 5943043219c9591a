using CovidEntry.Domain.Screenshots;

namespace CovidEntry.Tests.Domain;

/// <summary>What decoding an image costs, and whether its file can hold what it claims, from its header alone.</summary>
public class DecodeCostTests
{
    private static readonly ImageCoding GreyPng = new(8, Interlaced: false, Progressive: false, ArithmeticCoded: false, Components: 1);

    [Fact]
    public void APngSmallerThanItsRowsAtDeflatesBestRatioIsRefusedNamingItsClaim()
    {
        // 6324 rows of 6324 grey bytes: 40 MB that deflate packs into no less than about 38.8 KB.
        Assert.Equal(
            "The image claims to be 6324 × 6324 pixels, but a file of 96 bytes cannot hold that many: it is damaged. Take the screenshot again.",
            DecodeCost.Implausible(ImageFormat.Png, 6324, 6324, GreyPng, 96));
        Assert.NotNull(DecodeCost.Implausible(ImageFormat.Png, 6324, 6324, GreyPng, 38_000));
        Assert.Null(DecodeCost.Implausible(ImageFormat.Png, 6324, 6324, GreyPng, 39_000));
    }

    [Fact]
    public void DeeperPixelsNeedMoreBytes()
    {
        var rgba16 = new ImageCoding(64, Interlaced: true, Progressive: false, ArithmeticCoded: false, Components: 4);

        Assert.NotNull(DecodeCost.Implausible(ImageFormat.Png, 6324, 6324, rgba16, 200_000));
        Assert.Null(DecodeCost.Implausible(ImageFormat.Png, 6324, 6324, rgba16, 320_000));
    }

    [Fact]
    public void AJpegWithLessThanABitPerBlockIsRefusedAndArithmeticCodingAlways()
    {
        var baseline = new ImageCoding(24, Interlaced: false, Progressive: false, ArithmeticCoded: false, Components: 3);

        Assert.NotNull(DecodeCost.Implausible(ImageFormat.Jpeg, 6000, 6000, baseline, 60_000));
        Assert.Null(DecodeCost.Implausible(ImageFormat.Jpeg, 6000, 6000, baseline, 80_000));
        Assert.StartsWith("Arithmetic-coded JPEG", DecodeCost.Implausible(ImageFormat.Jpeg, 100, 100, baseline with { ArithmeticCoded = true }, 80_000), StringComparison.Ordinal);
    }

    [Fact]
    public void TheCostIsTheBitmapPlusWhatTheDecoderKeepsOfTheWholeImage()
    {
        const long pixels = 1000 * 2000;
        var file = 100_000L;
        var common = 2 * file + DecodeCost.Overhead;

        Assert.Equal(pixels * 4 + common, DecodeCost.Bytes(ImageFormat.Png, 1000, 2000, GreyPng, file));
        Assert.Equal(pixels * 4 + pixels * 8 + common, DecodeCost.Bytes(ImageFormat.Png, 1000, 2000, new ImageCoding(64, true, false, false, 4), file));
        Assert.Equal(pixels * 4 + pixels * 6 + common, DecodeCost.Bytes(ImageFormat.Jpeg, 1000, 2000, new ImageCoding(24, false, true, false, 3), file));
        Assert.Equal(pixels * 4 + common, DecodeCost.Bytes(ImageFormat.Jpeg, 1000, 2000, new ImageCoding(24, false, false, false, 3), file));
        Assert.Equal(pixels * 8 + common, DecodeCost.Bytes(ImageFormat.WebP, 1000, 2000, ImageCoding.Unknown, file));
    }

    [Fact]
    public void TheCodingIsReadFromThePngAndJpegHeaders()
    {
        Assert.Equal(new ImageCoding(24, false, false, false, 3), ImageCoding.Read(ImageCorpus.ScreenshotPng(), ImageFormat.Png));
        Assert.Equal(new ImageCoding(64, true, false, false, 4), ImageCoding.Read(ImageCorpus.InterlacedDeepPngClaimingFortyMegapixels(), ImageFormat.Png));
        var jpeg = ImageCoding.Read(ImageCorpus.JpegWithExif(), ImageFormat.Jpeg);
        Assert.Equal((false, false, 3), (jpeg.Progressive, jpeg.ArithmeticCoded, jpeg.Components));

        // SOF10: progressive and arithmetic-coded.
        byte[] arithmetic = [0xFF, 0xD8, 0xFF, 0xCA, 0x00, 0x0B, 0x08, 0x00, 0x10, 0x00, 0x10, 0x01, 0x01, 0x11, 0x00];
        Assert.Equal(new ImageCoding(8, false, true, true, 1), ImageCoding.Read(arithmetic, ImageFormat.Jpeg));
        Assert.Equal(ImageCoding.Unknown, ImageCoding.Read([0xFF, 0xD8, 0x00], ImageFormat.Jpeg));
    }
}
