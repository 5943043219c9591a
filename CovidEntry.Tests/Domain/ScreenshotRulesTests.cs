using CovidEntry.Domain;
using CovidEntry.Domain.Batches;
using CovidEntry.Domain.Entries;
using CovidEntry.Domain.Jurisdictions;
using CovidEntry.Domain.Quality;
using CovidEntry.Domain.Screenshots;
using CovidEntry.Domain.Shifts;

namespace CovidEntry.Tests.Domain;

public class ScreenshotRulesTests
{
    private static readonly DateTime Now = new(2026, 11, 23, 17, 0, 0, DateTimeKind.Utc);
    private static readonly StoredImage ImageA = new(new string('a', 64), 1000, 1280, 900, "image/png");
    private static readonly StoredImage ImageB = new(new string('b', 64), 1200, 1280, 900, "image/png");
    private static readonly PageFacts Page = new(200, "https://example.org/", "Dashboard", 900);

    [Fact]
    public void TheLatestSlotIsTodaysLastTimeThatHasPassedOrYesterdaysLastOne()
    {
        IReadOnlyList<TimeOnly> times = [new(14, 0), new(22, 30)];
        Assert.Equal(new DateTime(2026, 11, 23, 14, 0, 0, DateTimeKind.Utc), CaptureSchedule.LatestSlot(times, Now));
        Assert.Equal(new DateTime(2026, 11, 22, 22, 30, 0, DateTimeKind.Utc), CaptureSchedule.LatestSlot(times, Now.Date.AddHours(9)));
        Assert.Equal(new DateTime(2026, 11, 23, 22, 30, 0, DateTimeKind.Utc), CaptureSchedule.LatestSlot(times, Now.Date.AddHours(22.5)));
        Assert.Null(CaptureSchedule.LatestSlot([], Now));
    }

    [Fact]
    public void CaptureSettingsOutsideTheirBoundsAreRefusedWithASentenceEach()
    {
        var bad = CaptureSettings.Default with
        {
            ViewportWidth = 100,
            WaitMilliseconds = 120_000,
            ClickSelectors = ["#ok", " "],
            TimesUtc = [new(14, 0), new(14, 0)],
        };
        var problems = bad.Problems();
        Assert.Contains(problems, p => p.Contains("window width", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("extra wait", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("cannot be blank", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("listed twice", StringComparison.Ordinal));
        Assert.Empty(CaptureSettings.Default.Problems());

        var jurisdiction = new Jurisdiction("NY", "New York", "36", "totalTestsViral", null);
        var error = Assert.Throws<DomainException>(() => jurisdiction.AddSource("Primary", "https://health.ny.gov/", bad));
        Assert.Contains("window width", error.Message, StringComparison.Ordinal);
        Assert.Throws<DomainException>(() => jurisdiction.AddSource("Primary", "javascript:alert(1)"));
        Assert.Empty(jurisdiction.Sources);
    }

    [Fact]
    public void ASourceKeepsItsNormalizedCaptureSettings()
    {
        var jurisdiction = new Jurisdiction("NY", "New York", "36", "totalTestsViral", null);
        var source = jurisdiction.AddSource(" Dashboard ", "https://health.ny.gov/dash", CaptureSettings.Default with
        {
            WaitForSelector = "  ",
            HideSelectors = ["#cookie-banner", ""],
            TimesUtc = [new(22, 0), new(14, 0)],
        });
        Assert.Equal("Dashboard", source.Label);
        Assert.Null(source.Capture.WaitForSelector);
        Assert.Equal(["#cookie-banner"], source.Capture.HideSelectors);
        Assert.Equal([new TimeOnly(14, 0), new TimeOnly(22, 0)], source.Capture.TimesUtc);
    }

    [Fact]
    public void IdenticalCapturesCarryTheTimeTheSourceFirstLookedThatWay()
    {
        var first = Screenshot.Captured("NY", 1, "Primary", ScreenshotOrigin.Scheduled, ImageA, Page, null, Now);
        var same = Screenshot.Captured("NY", 1, "Primary", ScreenshotOrigin.Scheduled, ImageA, Page, first, Now.AddHours(1));
        var again = Screenshot.Captured("NY", 1, "Primary", ScreenshotOrigin.OnDemand, ImageA, Page, same, Now.AddHours(2));
        var changed = Screenshot.Captured("NY", 1, "Primary", ScreenshotOrigin.Scheduled, ImageB, Page, again, Now.AddHours(3));

        Assert.Equal(Now, again.FirstSeenAtUtc);
        Assert.False(same.ChangedFrom(first));
        Assert.True(changed.ChangedFrom(again));
        Assert.Equal(changed.TakenAtUtc, changed.FirstSeenAtUtc);
        Assert.False(first.ChangedFrom(null));
        Assert.Throws<DomainException>(() => Screenshot.Captured("NY", 1, "Primary", ScreenshotOrigin.Upload, ImageA, Page, null, Now));
    }

    [Fact]
    public void ACaptureJobFailsForGoodOnlyAfterItsLastTry()
    {
        var job = CaptureJob.OnDemand("NY", 1, "vera", Now);
        job.Start(Now);
        job.FailTry("The page answered 503 Service Unavailable.", new PageFacts(503, "https://x/", null, 120), 3, Now);
        job.FailTry("The page answered 503 Service Unavailable.", null, 3, Now);
        Assert.Equal(CaptureJobState.Running, job.State);
        job.FailTry("The page answered 503 Service Unavailable.", null, 3, Now.AddMinutes(1));
        Assert.Equal(CaptureJobState.Failed, job.State);
        Assert.Equal(3, job.Tries);
        Assert.Equal(503, job.HttpStatus);
        Assert.Throws<DomainException>(() => job.Start(Now));
    }

    [Fact]
    public void AMarkedRegionMustLieInsideTheScreenshot()
    {
        Assert.True(MarkedRegion.Create(0.1, 0.2, 0.3, 0.4).IsValid);
        Assert.Throws<DomainException>(() => MarkedRegion.Create(0.8, 0.2, 0.5, 0.1));
        Assert.Throws<DomainException>(() => MarkedRegion.Create(double.NaN, 0, 0.1, 0.1));
        Assert.Throws<DomainException>(() => MarkedRegion.Create(0.1, 0.1, 0, 0.1));
    }

    [Fact]
    public void APublishedValueCitesTheScreenshotOfThePassWhoseValueWasChosen()
    {
        var batch = Batch.Daily(new DateOnly(2026, 11, 23), ["NY"], "lena", Now);
        var entry = batch.Entries.Single();
        entry.Assign(1, "vera");
        entry.Assign(2, "cole");
        var veras = Guid.CreateVersion7();
        var coles = Guid.CreateVersion7();
        var region = MarkedRegion.Create(0.1, 0.1, 0.2, 0.05);
        entry.SubmitPass(1, "vera", new Dictionary<string, long?> { ["positive"] = 10, ["death"] = 2 }, null, null, null, [],
            new Dictionary<string, WarningAnswer>(), Now, new Dictionary<string, ValueEvidence> { ["positive"] = new(veras, region), ["death"] = new(veras) });
        entry.SubmitPass(2, "cole", new Dictionary<string, long?> { ["positive"] = 10, ["death"] = 3 }, null, null, null, [],
            new Dictionary<string, WarningAnswer>(), Now, new Dictionary<string, ValueEvidence> { ["death"] = new(coles) });
        entry.Reconcile("death", ResolutionSource.SecondPass, null, "Pass 2 read the newer page", "lena2", Now);

        Assert.Equal(veras, entry.ScreenshotFor("positive"));
        Assert.Equal(coles, entry.ScreenshotFor("death"));
        Assert.Equal(region, entry.FirstPass!.EvidenceByMetric()["positive"].Region);
        Assert.Null(entry.ScreenshotFor("hospitalizedCurrently"));
    }

    [Fact]
    public void TheQueueSaysHowLongASourceHasLookedTheSame()
    {
        var day = new DateOnly(2026, 11, 23);
        var since = Now.AddHours(-3);
        Assert.Equal("Source unchanged since 14:00 UTC", QueueOrder.Describe(Freshness.Rest, new QueueFacts(day, null, null, null, since)));
        Assert.Equal("Expected at 18:00 UTC · source unchanged since 14:00 UTC",
            QueueOrder.Describe(Freshness.Rest, new QueueFacts(day, new TimeOnly(18, 0), null, null, since)));
        Assert.StartsWith("Source changed", QueueOrder.Describe(Freshness.SourceChanged, new QueueFacts(day, null, Now, null, since)), StringComparison.Ordinal);
    }
}
