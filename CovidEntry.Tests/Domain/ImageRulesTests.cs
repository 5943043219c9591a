using CovidEntry.Domain.Screenshots;

namespace CovidEntry.Tests.Domain;

public class ImageRulesTests
{
    [Fact]
    public void PngJpegAndWebPAreKnownByTheirFirstBytes()
    {
        Assert.Equal(ImageFormat.Png, ImageFormatSniffer.Sniff([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]));
        Assert.Equal(ImageFormat.Jpeg, ImageFormatSniffer.Sniff([0xFF, 0xD8, 0xFF, 0xE0, 0, 16]));
        Assert.Equal(ImageFormat.WebP, ImageFormatSniffer.Sniff("RIFF\x24\0\0\0WEBPVP8 "u8));
    }

    [Fact]
    public void AnythingElseIsNoImageWhateverItCallsItself()
    {
        Assert.Null(ImageFormatSniffer.Sniff([]));
        Assert.Null(ImageFormatSniffer.Sniff("GIF89a\x01\0\x01\0"u8));
        Assert.Null(ImageFormatSniffer.Sniff("<svg xmlns=\"http://www.w3.org/2000/svg\"><script/></svg>"u8));
        Assert.Null(ImageFormatSniffer.Sniff("<html><body>screenshot.png</body></html>"u8));
        Assert.Null(ImageFormatSniffer.Sniff("RIFF\x24\0\0\0WAVEfmt "u8));
        Assert.Null(ImageFormatSniffer.Sniff("RIFF\x24\0\0\0WEB"u8));
        Assert.Null(ImageFormatSniffer.Sniff([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A]));
        Assert.Null(ImageFormatSniffer.Sniff([0xFF, 0xD8]));
        Assert.Null(ImageFormatSniffer.Sniff([0, 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]));
    }

    [Fact]
    public void TenMegabytesIsTheLargestFileAccepted()
    {
        Assert.True(ImageLimits.AllowsSize(10 * 1024 * 1024));
        Assert.False(ImageLimits.AllowsSize(10 * 1024 * 1024 + 1));
    }

    [Fact]
    public void SidesUpTo16384AndUpTo40MegapixelsInAllAreAccepted()
    {
        Assert.True(ImageLimits.AllowsDimensions(1280, 8000));
        Assert.True(ImageLimits.AllowsDimensions(16384, 2441));
        Assert.True(ImageLimits.AllowsDimensions(1, 16384));
        Assert.True(ImageLimits.AllowsDimensions(8000, 5000));

        Assert.False(ImageLimits.AllowsDimensions(16385, 1));
        Assert.False(ImageLimits.AllowsDimensions(1, 16385));
        Assert.False(ImageLimits.AllowsDimensions(16384, 2442));
        Assert.False(ImageLimits.AllowsDimensions(8000, 8000));
        Assert.False(ImageLimits.AllowsDimensions(100_000, 100_000));
        Assert.False(ImageLimits.AllowsDimensions(0, 100));
        Assert.False(ImageLimits.AllowsDimensions(100, -1));
    }

    [Fact]
    public void OneValueEverywhereOrNoSamplesAtAllIsNearlyUniform()
    {
        Assert.True(ImageUniformity.IsNearlyUniform(Filled(4096, 255)));
        Assert.True(ImageUniformity.IsNearlyUniform(Filled(4096, 0)));
        Assert.True(ImageUniformity.IsNearlyUniform([]));
    }

    [Fact]
    public void NoiseWithinTheToleranceOfTheCommonestValueIsStillUniform()
    {
        var samples = Filled(4096, 240);
        for (var i = 0; i < samples.Length; i += 3)
        {
            samples[i] = (byte)(240 + (i % 17) - 8);
        }

        Assert.True(ImageUniformity.IsNearlyUniform(samples));
    }

    [Fact]
    public void AHalfPercentOfOutliersIsToleratedButOnePercentIsNot()
    {
        var fewOutliers = Filled(4000, 255);
        fewOutliers.AsSpan(0, 20).Fill(0);
        var moreOutliers = Filled(4000, 255);
        moreOutliers.AsSpan(0, 40).Fill(0);

        Assert.True(ImageUniformity.IsNearlyUniform(fewOutliers));
        Assert.False(ImageUniformity.IsNearlyUniform(moreOutliers));
    }

    [Fact]
    public void ARowOfDimmedSamplesOrTwoColoursAreNotUniform()
    {
        var textLine = Filled(64 * 64, 255);
        textLine.AsSpan(64 * 10, 64).Fill(235);
        var halves = Filled(64 * 64, 255);
        halves.AsSpan(0, 64 * 32).Fill(30);

        Assert.False(ImageUniformity.IsNearlyUniform(textLine));
        Assert.False(ImageUniformity.IsNearlyUniform(halves));
    }

    private static byte[] Filled(int length, byte value)
    {
        var samples = new byte[length];
        samples.AsSpan().Fill(value);
        return samples;
    }
}
