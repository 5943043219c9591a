using CovidEntry.App.Features.Jurisdictions;
using CovidEntry.App.Features.Alerts;
using CovidEntry.App.Features.Entries;
using CovidEntry.App.Features.Screenshots;
using CovidEntry.Domain.Screenshots;
using CovidEntry.Domain.Shifts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CovidEntry.Tests.Integration;

/// <summary>
/// The capture service against pages served on loopback: what a good capture records, how failures
/// are retried and reported, and how identical and changed captures steer the shift queue.
/// </summary>
public class CaptureTests() : LoopTest(new Dictionary<string, string?>
{
    ["Screenshots:RetryDelaySeconds"] = "0.05",
    ["Screenshots:CaptureTimeoutSeconds"] = "10",

    // The pages are served on loopback.
    ["Screenshots:AllowPrivateTargets"] = "true",
})
{
    private LocalPages _pages = null!;

    /// <summary>A dashboard with enough ink that nobody would call it blank.</summary>
    private static string Dashboard(long positive, string extra = "") => LocalPages.Document("Testland dashboard", $"""
        <h1 style="background:#1f4e79;color:#fff;padding:24px;margin:0">Testland COVID-19 dashboard</h1>
        <table style="border-collapse:collapse;font-size:28px;margin:24px">
          <tr><th style="border:2px solid #333;padding:12px">Cases</th><td id="positive" style="border:2px solid #333;padding:12px">{positive:N0}</td></tr>
          <tr><th style="border:2px solid #333;padding:12px">Deaths</th><td style="border:2px solid #333;padding:12px">1,234</td></tr>
        </table>
        <div style="height:300px;background:linear-gradient(90deg,#c00,#0c0,#00c)"></div>
        {extra}
        """);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _pages = await LocalPages.StartAsync();
        _pages.Html("/dashboard", Dashboard(1_000));
        _pages.Html("/hidden-numbers", LocalPages.Document("Testland", """
            <button id="show" style="font-size:40px" onclick="document.getElementById('numbers').style.display='block'">Show numbers</button>
            <div id="numbers" style="display:none;height:400px;background:repeating-linear-gradient(45deg,#000 0 10px,#ff0 10px 20px)"><span id="loaded">12,345</span></div>
            """));
        _pages.Html("/slow-dashboard", Dashboard(2_000), delay: TimeSpan.FromSeconds(2));
    }

    public override async Task DisposeAsync()
    {
        await _pages.DisposeAsync();
        await base.DisposeAsync();
    }

    private async Task<int> AddSourceAsync(string path, Action<SourceForm>? configure = null)
    {
        var form = new SourceForm { Label = "Dashboard " + path.Trim('/'), Url = _pages.Url(path), ViewportWidth = 1024, ViewportHeight = 768 };
        configure?.Invoke(form);
        return await Database.Get<SourceService>().AddAsync("NY", form, Loop.Admin);
    }

    /// <summary>"Capture now" for one source, run to its end the way the worker runs it.</summary>
    private async Task<CaptureJob> CaptureAsync(int sourceId)
    {
        Assert.Equal(1, await Database.Get<ScreenshotService>().RequestCaptureAsync("NY", sourceId, Loop.Vera));
        await using var db = await Database.DbAsync();
        var job = await db.CaptureJobs.Where(j => j.SourceId == sourceId && j.State == CaptureJobState.Pending).SingleAsync();
        await Database.Services.GetRequiredService<CaptureService>().RunAsync(job.Id, CancellationToken.None);
        return await db.CaptureJobs.AsNoTracking().SingleAsync(j => j.Id == job.Id);
    }

    private async Task<Screenshot> ScreenshotOfAsync(CaptureJob job)
    {
        await using var db = await Database.DbAsync();
        return await db.Screenshots.SingleAsync(s => s.Id == job.ScreenshotId);
    }

    [Fact]
    public async Task ACaptureRecordsTheImageAndWhatTheBrowserSaw()
    {
        var job = await CaptureAsync(await AddSourceAsync("/dashboard"));

        Assert.Equal((CaptureJobState.Succeeded, 1), (job.State, job.Tries));
        var shot = await ScreenshotOfAsync(job);
        Assert.Equal((200, "Testland dashboard", _pages.Url("/dashboard")), (shot.HttpStatus, shot.PageTitle, shot.FinalUrl));
        Assert.Equal((ScreenshotOrigin.OnDemand, 1024, "image/png"), (shot.Origin, shot.Width, shot.ContentType));
        Assert.True(shot.DurationMs > 0);
        await using var db = await Database.DbAsync();
        Assert.True(await db.ImageBlobs.AnyAsync(b => b.Sha256 == shot.Sha256 && b.Thumbnail.Length > 0));
        Assert.Null((await db.Jurisdictions.SingleAsync(j => j.Code == "NY")).SourceChangedAtUtc);
    }

    [Fact]
    public async Task ASlowPageAndAPageWhoseNumbersNeedAClickAreCaptured()
    {
        var slow = await CaptureAsync(await AddSourceAsync("/slow-dashboard"));
        var click = await CaptureAsync(await AddSourceAsync("/hidden-numbers", f =>
        {
            f.ClickSelectors = "#show";
            f.WholePage = false;
            f.ElementSelector = "#numbers";
        }));

        Assert.Equal(CaptureJobState.Succeeded, slow.State);
        Assert.True(slow.DurationMs >= 2000, $"took {slow.DurationMs} ms");
        Assert.Equal(CaptureJobState.Succeeded, click.State);
        Assert.Equal(400, (await ScreenshotOfAsync(click)).Height);
    }

    [Fact]
    public async Task ABlankPageIsTriedFourTimesThenReportedOnTheDashboardAndInTheStalenessView()
    {
        var sourceId = await AddSourceAsync(LocalPages.Blank);

        var job = await CaptureAsync(sourceId);

        Assert.Equal((CaptureJobState.Failed, 4, null), (job.State, job.Tries, job.ScreenshotId));
        Assert.Contains("blank", job.Error, StringComparison.Ordinal);
        Assert.Equal(4, _pages.Requests(LocalPages.Blank));
        var dashboard = await Database.Get<CaptureDashboardService>().LoadAsync();
        Assert.Equal(sourceId, Assert.Single(dashboard.Failing).SourceId);
        var stale = (await Database.Get<StalenessService>().ListAsync(Day)).Single(r => r.Code == "NY");
        Assert.Equal(sourceId, Assert.Single(stale.CaptureFailures).SourceId);
        await using var db = await Database.DbAsync();
        Assert.Equal(0, await db.Screenshots.CountAsync());
    }

    [Fact]
    public async Task APageAnswering404FailsWithItsStatusAndALaterSuccessClearsTheFailure()
    {
        var sourceId = await AddSourceAsync("/soon");

        var failed = await CaptureAsync(sourceId);
        Assert.Equal((CaptureJobState.Failed, 404), (failed.State, failed.HttpStatus));
        Assert.Equal("The page answered 404 Not Found.", failed.Error);

        _pages.Html("/soon", Dashboard(5));
        Assert.Equal(CaptureJobState.Succeeded, (await CaptureAsync(sourceId)).State);
        Assert.Empty((await Database.Get<CaptureDashboardService>().LoadAsync()).Failing);
    }

    [Fact]
    public async Task IdenticalCapturesSaySourceUnchangedSinceAndAChangedPageMovesItUpTheQueue()
    {
        var sourceId = await AddSourceAsync("/dashboard");
        var shiftId = await Loop.OpenShiftAsync(Day, "NY");
        var first = await ScreenshotOfAsync(await CaptureAsync(sourceId));
        var second = await ScreenshotOfAsync(await CaptureAsync(sourceId));

        Assert.Equal(first.Sha256, second.Sha256);
        Assert.Equal(first.TakenAtUtc, second.FirstSeenAtUtc);
        var item = (await Database.Get<QueueService>().ForAsync(Loop.Vera)).First(i => i.Code == "NY");
        Assert.Contains($"unchanged since {first.TakenAtUtc:HH:mm} UTC", item.FreshnessText, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(Freshness.Rest, item.Freshness);

        _pages.Html("/dashboard", Dashboard(1_500));
        var third = await ScreenshotOfAsync(await CaptureAsync(sourceId));

        Assert.NotEqual(first.Sha256, third.Sha256);
        item = (await Database.Get<QueueService>().ForAsync(Loop.Vera)).First(i => i.Code == "NY" && i.EntryId == item.EntryId);
        Assert.Equal(Freshness.SourceChanged, item.Freshness);
        await using var db = await Database.DbAsync();
        Assert.Equal(third.TakenAtUtc, (await db.Jurisdictions.SingleAsync(j => j.Code == "NY")).SourceChangedAtUtc);
        Assert.Equal(2, await db.ImageBlobs.CountAsync());
        Assert.NotEqual(Guid.Empty, shiftId);
    }

    [Fact]
    public async Task EachScheduledTimeOfASourceBecomesOneJobAndCaptureNowNeverQueuesTwice()
    {
        var sourceId = await AddSourceAsync("/dashboard", f => f.CaptureTimes = "00:00, 12:00");
        var worker = Database.Services.GetRequiredService<CaptureWorker>();

        Assert.Equal(1, await worker.ScheduleDueAsync(CancellationToken.None));
        Assert.Equal(0, await worker.ScheduleDueAsync(CancellationToken.None));

        var screenshots = Database.Get<ScreenshotService>();
        Assert.Equal(0, await screenshots.RequestCaptureAsync("NY", sourceId, Loop.Vera));
        await using var db = await Database.DbAsync();
        var job = await db.CaptureJobs.SingleAsync();
        Assert.Equal((ScreenshotOrigin.Scheduled, CaptureJobState.Pending), (job.Origin, job.State));
        Assert.NotNull(job.SlotUtc);
    }
}
