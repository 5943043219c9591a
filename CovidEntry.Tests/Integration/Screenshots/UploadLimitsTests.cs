using CovidEntry.App.Features.Screenshots;
using CovidEntry.Domain;
using CovidEntry.Domain.Screenshots;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CovidEntry.Tests.Integration;

/// <summary>
/// Uploads that would exhaust the server, through the app's own upload service on PostgreSQL: a
/// small decode budget (24 MB, two decodes at once, a short wait) and three uploads per person a
/// minute. Each refusal is a sentence, and nothing is stored for it.
/// </summary>
public sealed class UploadLimitsTests() : LoopTest(new Dictionary<string, string?>
{
    ["Screenshots:DecodeMemoryMegabytes"] = "24",
    ["Screenshots:MaxConcurrentDecodes"] = "2",
    ["Screenshots:DecodeWaitSeconds"] = "0.3",
    ["Screenshots:UploadsPerMinute"] = "3",
})
{
    private DecodeBudget Budget => Database.Services.GetRequiredService<DecodeBudget>();

    private async Task<int> SourceAsync()
    {
        await using var db = await Database.DbAsync();
        return await db.Jurisdictions.Where(j => j.Code == "NY").SelectMany(j => j.Sources).Select(s => s.Id).FirstAsync();
    }

    private async Task<ScreenshotView> UploadAsync(byte[] image, string? userId = null) =>
        await Database.Get<ScreenshotService>().UploadAsync("NY", await SourceAsync(), image, ScreenshotOrigin.Upload, userId ?? Loop.Vera);

    private async Task<int> StoredAsync()
    {
        await using var db = await Database.DbAsync();
        return await db.Screenshots.CountAsync();
    }

    [Fact]
    public async Task ATinyFileClaimingFortyMegapixelsIsRefusedWithoutReservingOrDecodingAnything()
    {
        var granted = Budget.Granted;

        var refused = await Assert.ThrowsAsync<DomainException>(() => UploadAsync(ImageCorpus.TinyPngClaimingFortyMegapixels()));

        Assert.StartsWith("The image claims to be 6324 × 6324 pixels, but a file of 86 bytes cannot hold that many", refused.Message, StringComparison.Ordinal);
        Assert.Equal(granted, Budget.Granted);
        Assert.Equal(0, await StoredAsync());
    }

    [Fact]
    public async Task AnImageCostingMoreThanTheWholeBudgetIsRefusedBeforeItIsDecoded()
    {
        var granted = Budget.Granted;

        var refused = await Assert.ThrowsAsync<DomainException>(() => UploadAsync(ImageCorpus.ScreenshotPng(3000, 2500)));

        Assert.Matches(@"^The image is 3000 × 2500 pixels: reading it would take \d+ MB, more than the 24 MB this server sets aside for images\. Crop it, or capture a part of the page\.$", refused.Message);
        Assert.Equal(granted, Budget.Granted);
        Assert.Equal(0, await StoredAsync());
    }

    [Fact]
    public async Task WhileTheBudgetIsTakenAnUploadIsRefusedPolitelyAndGoesThroughOnceItIsFree()
    {
        var image = ImageCorpus.ScreenshotPng(800, 600);
        var held = await Budget.ReserveAsync(Budget.TotalBytes, TimeSpan.Zero, CancellationToken.None);
        Assert.NotNull(held);

        DomainException refused;
        using (held)
        {
            refused = await Assert.ThrowsAsync<DomainException>(() => UploadAsync(image));
        }

        Assert.Equal(ImageDecoder.Busy, refused.Message);
        Assert.Equal(0, await StoredAsync());
        Assert.Equal(800, (await UploadAsync(image, Loop.Cole)).Width);
    }

    [Fact]
    public async Task UploadsAtOnceNeverReserveMoreThanTheBudgetAndEachIsStoredOrRefusedPolitely()
    {
        // Each costs about 12 MB to decode: two fit in 24 MB, the third waits for one of them.
        var people = new[] { Loop.Vera, Loop.Cole, Loop.Lead, Loop.OtherLead, Loop.Vera, Loop.Cole };
        var uploads = people.Select((person, i) => Task.Run(async () =>
        {
            try
            {
                return (await UploadAsync(ImageCorpus.ScreenshotPng(1200 + i, 1200), person)).Id.ToString();
            }
            catch (DomainException e)
            {
                return e.Message;
            }
        })).ToList();

        var outcomes = await Task.WhenAll(uploads);

        Assert.All(outcomes, outcome => Assert.True(Guid.TryParse(outcome, out _) || outcome == ImageDecoder.Busy, outcome));
        Assert.Equal(outcomes.Count(o => Guid.TryParse(o, out _)), await StoredAsync());
        Assert.True(await StoredAsync() >= 1);
        Assert.InRange(Budget.PeakReservedBytes, 1, Budget.TotalBytes);
        Assert.Equal(0, Budget.ReservedBytes);
    }

    [Fact]
    public async Task APersonMayAddThreeImagesAMinuteRefusedOnesIncludedAndOthersAreNotHeldBack()
    {
        await UploadAsync(ImageCorpus.ScreenshotPng(400, 300));
        await Assert.ThrowsAsync<DomainException>(() => UploadAsync(ImageCorpus.SvgWithScript()));
        await UploadAsync(ImageCorpus.ScreenshotPng(401, 300));
        var granted = Budget.Granted;

        var refused = await Assert.ThrowsAsync<DomainException>(() => UploadAsync(ImageCorpus.ScreenshotPng(402, 300)));

        Assert.Matches(@"^You have added 3 images in the last minute, the most one person may; nothing was stored\. Try again in \d+ seconds\.$", refused.Message);
        Assert.Equal(granted, Budget.Granted);
        Assert.Equal(2, await StoredAsync());
        await UploadAsync(ImageCorpus.ScreenshotPng(403, 300), Loop.Cole);
        Assert.Equal(3, await StoredAsync());
    }

    [Fact]
    public void TheLimitCountsTheLastMinuteOnly()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        var limit = new UploadRateLimit(Options.Create(new ScreenshotSettings { UploadsPerMinute = 2 }), clock);
        limit.Take("vera");
        clock.Advance(TimeSpan.FromSeconds(20));
        limit.Take("vera");

        Assert.EndsWith("Try again in 40 seconds.", Assert.Throws<DomainException>(() => limit.Take("vera")).Message, StringComparison.Ordinal);
        clock.Advance(TimeSpan.FromSeconds(40));
        limit.Take("vera");
        Assert.Throws<DomainException>(() => limit.Take("vera"));
    }

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
