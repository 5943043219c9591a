using System.Diagnostics;
using CovidEntry.App.Features.Screenshots;
using CovidEntry.Domain.Screenshots;
using SkiaSharp;

namespace CovidEntry.Tests.Integration;

public class ImageSanitizerTests
{
    [Fact]
    public void AValidPngIsAcceptedAsAPngOfItsSize()
    {
        var image = Accepted(ImageCorpus.ScreenshotPng(800, 600));

        Assert.Equal((ImageFormat.Png, "image/png", 800, 600), (image.Format, image.ContentType, image.Width, image.Height));
        Assert.Equal((SKEncodedImageFormat.Png, 800, 600), Decode(image.Bytes));
    }

    [Fact]
    public void AValidJpegIsAcceptedAsAJpegOfItsSize()
    {
        var image = Accepted(ImageCorpus.ScreenshotJpeg(640, 480));

        Assert.Equal((ImageFormat.Jpeg, "image/jpeg", 640, 480), (image.Format, image.ContentType, image.Width, image.Height));
        Assert.Equal((SKEncodedImageFormat.Jpeg, 640, 480), Decode(image.Bytes));
    }

    [Fact]
    public void AValidWebPIsAcceptedAndStoredAsPng()
    {
        var image = Accepted(ImageCorpus.ScreenshotWebP(500, 700));

        Assert.Equal((ImageFormat.Png, "image/png", 500, 700), (image.Format, image.ContentType, image.Width, image.Height));
        Assert.Equal((SKEncodedImageFormat.Png, 500, 700), Decode(image.Bytes));
    }

    [Fact]
    public void AnExifChunkInAPngIsDroppedByReencoding()
    {
        var input = ImageCorpus.PngWithExif();
        Assert.Contains(ImageCorpus.ChunksOf(input), c => c.Type == "eXIf");

        var image = Accepted(input);

        Assert.DoesNotContain(ImageCorpus.ChunksOf(image.Bytes), c => c.Type == "eXIf");
        Assert.False(image.Bytes.AsSpan().IndexOf("camera serial"u8) >= 0);
        Assert.NotEqual(input, image.Bytes);
    }

    [Fact]
    public void AnExifSegmentInAJpegIsDroppedByReencoding()
    {
        var input = ImageCorpus.JpegWithExif();
        Assert.Contains((byte)0xE1, ImageCorpus.JpegMarkersOf(input));

        var image = Accepted(input);

        Assert.DoesNotContain((byte)0xE1, ImageCorpus.JpegMarkersOf(image.Bytes));
        Assert.False(image.Bytes.AsSpan().IndexOf("camera serial"u8) >= 0);
    }

    [Fact]
    public void HtmlHiddenAfterThePngEndIsDropped()
    {
        var image = Accepted(ImageCorpus.PngWithHtmlAfterEnd());

        Assert.Equal("IEND", ImageCorpus.ChunksOf(image.Bytes).Last().Type);
        Assert.False(image.Bytes.AsSpan().IndexOf("<script>"u8) >= 0);
    }

    [Fact]
    public void AnEmptyFileIsRefused()
    {
        var refusal = Refused(ImageCorpus.Cases.Single(c => c.Name == "empty file").Build());

        Assert.Equal(ImageRefusalReason.Empty, refusal.Reason);
        Assert.Equal("The file is empty.", refusal.Message);
    }

    [Fact]
    public void AFileOverTenMegabytesIsRefusedWhateverItStartsWith()
    {
        var refusal = Refused(ImageCorpus.OversizedWithPngSignature());

        Assert.Equal(ImageRefusalReason.TooLarge, refusal.Reason);
        Assert.StartsWith("The image is larger than 10 MB", refusal.Message);
    }

    [Fact]
    public void AnSvgWithAScriptAnHtmlPageNamedPngAndAGifAreRefusedAsNotImages()
    {
        foreach (var input in new[] { ImageCorpus.SvgWithScript(), ImageCorpus.HtmlRenamedPng(), ImageCorpus.Gif() })
        {
            var refusal = Refused(input);

            Assert.Equal(ImageRefusalReason.NotAnImage, refusal.Reason);
            Assert.Equal("Only PNG, JPEG or WebP images are accepted; this file is not one of them.", refusal.Message);
        }
    }

    [Fact]
    public void APngSignatureFollowedByHtmlIsRefusedAsDamaged()
    {
        Assert.Equal(ImageRefusalReason.Damaged, Refused(ImageCorpus.PngSignatureThenHtml()).Reason);
    }

    [Fact]
    public void APngCutInTheMiddleOfItsImageDataIsRefusedNotHalfStored()
    {
        var refusal = Refused(ImageCorpus.TruncatedPng());

        Assert.Equal(ImageRefusalReason.Damaged, refusal.Reason);
        Assert.StartsWith("The image is damaged or incomplete and could not be read", refusal.Message);
    }

    [Fact]
    public void AJpegCutInHalfIsRefusedNotHalfStored()
    {
        Assert.Equal(ImageRefusalReason.Damaged, Refused(ImageCorpus.TruncatedJpeg()).Reason);
    }

    [Fact]
    public void APngHeaderClaimingTenGigapixelsIsRefusedFromTheHeaderAlone()
    {
        var input = ImageCorpus.HugeDimensionPng();
        Assert.True(input.Length < 1000);

        var refusal = Refused(input);

        Assert.Equal(ImageRefusalReason.TooManyPixels, refusal.Reason);
        Assert.Equal("The image is 100000 × 100000 pixels; at most 16384 on a side and 40 megapixels in all are accepted.", refusal.Message);
    }

    [Fact]
    public void ASmallPngThatDecodesToSixtyFourMegapixelsIsRefusedBeforeDecoding()
    {
        var input = ImageCorpus.DecompressionBombPng();
        Assert.True(input.Length < 200 * 1024, $"the bomb is {input.Length} bytes");
        Assert.Equal((SKEncodedImageFormat.Png, 8000, 8000), Decode(input));

        var refusal = Refused(input);

        Assert.Equal(ImageRefusalReason.TooManyPixels, refusal.Reason);
        Assert.StartsWith("The image is 8000 × 8000 pixels", refusal.Message);
    }

    [Fact]
    public void EveryCorpusCaseGetsItsExpectedOutcome()
    {
        foreach (var corpusCase in ImageCorpus.Cases)
        {
            var result = ImageSanitizer.Sanitize(corpusCase.Build());

            Assert.True(
                result.Refusal?.Reason == corpusCase.Refusal,
                $"{corpusCase.Name}: expected {corpusCase.Refusal?.ToString() ?? "acceptance"}, got {result.Refusal?.Reason.ToString() ?? "acceptance"}");
        }
    }

    [Fact]
    public void ABlankWhiteOrSingleColourImageIsFlaggedNearlyUniform()
    {
        Assert.True(Accepted(ImageCorpus.BlankPng()).NearlyUniform);
        Assert.True(Accepted(ImageCorpus.BlankPng(1280, 8000, new SKColor(0x1F, 0x3A, 0x5F))).NearlyUniform);
    }

    [Fact]
    public void AScreenshotWithTextAndLinesIsNotFlaggedNearlyUniform()
    {
        Assert.False(Accepted(ImageCorpus.ScreenshotPng()).NearlyUniform);
        Assert.False(Accepted(ImageCorpus.ScreenshotJpeg()).NearlyUniform);
        Assert.False(Accepted(ImageCorpus.ScreenshotPng(1280, 8000)).NearlyUniform);
    }

    [Fact]
    public void TheThumbnailIsAJpegAtMost320WideKeepingTheAspectAndNeverUpscaled()
    {
        var wide = Accepted(ImageCorpus.ScreenshotPng(1280, 960));
        var tall = Accepted(ImageCorpus.ScreenshotPng(1280, 8000));
        var small = Accepted(ImageCorpus.ScreenshotPng(200, 150));

        Assert.Equal("image/jpeg", wide.ThumbnailContentType);
        Assert.Equal((SKEncodedImageFormat.Jpeg, 320, 240), Decode(wide.Thumbnail));
        Assert.Equal((SKEncodedImageFormat.Jpeg, 320, 2000), Decode(tall.Thumbnail));
        Assert.Equal((SKEncodedImageFormat.Jpeg, 200, 150), Decode(small.Thumbnail));
    }

    [Fact]
    public void TheSameBytesAlwaysSanitizeToTheSameBytes()
    {
        foreach (var input in new[] { ImageCorpus.ScreenshotPng(), ImageCorpus.ScreenshotJpeg(), ImageCorpus.ScreenshotWebP(), ImageCorpus.PngWithExif() })
        {
            var first = Accepted(input);
            var second = Accepted(input.ToArray());

            Assert.Equal(first.Bytes, second.Bytes);
            Assert.Equal(first.Thumbnail, second.Thumbnail);
        }
    }

    [Fact]
    public void AStoredPngSanitizesToItselfSoAReuploadHasTheSameAddress()
    {
        var stored = Accepted(ImageCorpus.ScreenshotWebP()).Bytes;

        Assert.Equal(stored, Accepted(stored).Bytes);
    }

    [Fact]
    public void AFullPageBrowserCaptureIsSanitizedWellUnderFiveSeconds()
    {
        var capture = ImageCorpus.ScreenshotPng(1280, 8000);
        Accepted(ImageCorpus.ScreenshotPng(64, 64));

        var clock = Stopwatch.StartNew();
        var image = Accepted(capture);
        clock.Stop();

        Assert.Equal((1280, 8000), (image.Width, image.Height));
        // Generous for a shared two-core machine; it takes well under a second when idle.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    private static SanitizedImage Accepted(byte[] input)
    {
        var result = ImageSanitizer.Sanitize(input);
        Assert.True(result.IsAccepted, result.Refusal?.Message);
        return result.Image;
    }

    private static ImageRefusal Refused(byte[] input)
    {
        var result = ImageSanitizer.Sanitize(input);
        Assert.False(result.IsAccepted, "the image was accepted");
        return result.Refusal;
    }

    [Fact]
    public void ATinyPngClaimingFortyMegapixelsIsRefusedFromItsHeaderWithoutDecoding()
    {
        var bomb = ImageCorpus.TinyPngClaimingFortyMegapixels();
        Assert.True(bomb.Length < 100, $"{bomb.Length} bytes");
        Assert.True(ImageLimits.AllowsDimensions(ImageCorpus.FortyMegapixelSide, ImageCorpus.FortyMegapixelSide));

        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = ImageSanitizer.Sanitize(bomb);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(ImageRefusalReason.Damaged, result.Refusal?.Reason);
        Assert.Equal($"The image claims to be 6324 × 6324 pixels, but a file of {bomb.Length} bytes cannot hold that many: it is damaged. Take the screenshot again.", result.Refusal?.Message);
        Assert.True(allocated < 1024 * 1024, $"Refusing a {bomb.Length}-byte file allocated {allocated:N0} bytes.");
    }

    private static (SKEncodedImageFormat Format, int Width, int Height) Decode(byte[] bytes)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        Assert.NotNull(codec);
        return (codec.EncodedFormat, codec.Info.Width, codec.Info.Height);
    }
}
