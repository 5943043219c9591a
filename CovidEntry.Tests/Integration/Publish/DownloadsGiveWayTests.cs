using System.Net;
using System.Net.Http.Headers;
using CovidEntry.App.Features.Publish;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CovidEntry.Tests.Integration;

/// <summary>
/// While a lead publishes, the public downloads served by the same app wait for the publish to
/// commit (docs/decisions/038), over real HTTP; a HEAD, which has no body, does not wait.
/// </summary>
public sealed class DownloadsGiveWayTests : LoopTest
{
    private const string StatesCsv = "/api/v1/states/daily.csv";

    // The pause's bound is on a clock of the test's, which never reaches it: a slow machine does not end the pause early.
    private readonly PublishPriority _priority = new(new FakeTimeProvider());
    private PublicApi _api = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _api = await PublicApi.StartAsync(Database.ConnectionString, configure: services => services.AddSingleton(_priority));
    }

    public override async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task DownloadsWaitWhileAPublishRunsAndGetTheFileWholeOnceItCommits()
    {
        await Database.ImportCtpAsync(File.ReadAllText(CtpSample.HistoryFile));
        var before = await _api.Http.GetByteArrayAsync(StatesCsv);
        var shiftId = await Loop.VerifiedShiftInReviewAsync(Day, new Dictionary<string, string> { ["positive"] = "22,020", ["death"] = "98" }, "AK");
        var priority = _api.Services.GetRequiredService<PublishPriority>();
        Assert.Same(_priority, priority);

        // Someone holds the batch's row behind the app's back, so the publish stops in the middle of its transaction.
        await using var holder = Database.BehindTheAppsBack();
        await using var holding = await holder.Database.BeginTransactionAsync();
        var batchId = await holder.Shifts.Where(s => s.Id == shiftId).Select(s => s.BatchId).SingleAsync();
        await holder.Database.ExecuteSqlAsync($"SELECT 1 FROM \"Batches\" WHERE \"Id\" = {batchId} FOR UPDATE");
        var publishing = _api.Services.CreateScope().ServiceProvider.GetRequiredService<PublishService>().PublishShiftAsync(shiftId, Loop.Lead);
        await UntilAsync(() => priority.Publishing, "the publish to begin");

        var whole = _api.RawHttp.GetAsync(StatesCsv);
        var range = _api.RawHttp.SendAsync(new HttpRequestMessage(HttpMethod.Get, StatesCsv) { Headers = { Range = new RangeHeaderValue(100, 199) } });
        using var head = await _api.RawHttp.SendAsync(new HttpRequestMessage(HttpMethod.Head, StatesCsv));
        await UntilAsync(() => priority.Waiting == 2, "both downloads to wait for the publish");

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(before.Length, head.Content.Headers.ContentLength);
        Assert.False(whole.IsCompleted || range.IsCompleted || publishing.IsCompleted);

        await holding.RollbackAsync();
        var published = await publishing;
        using var wholeAnswer = await whole;
        using var rangeAnswer = await range;

        Assert.True(published.VersionsWritten >= 2, $"{published.VersionsWritten} versions written");
        Assert.Equal(before, await wholeAnswer.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.PartialContent, rangeAnswer.StatusCode);
        Assert.Equal(before[100..200], await rangeAnswer.Content.ReadAsByteArrayAsync());
        Assert.False(priority.Publishing);
        Assert.Equal(0, priority.Waiting);
    }

    [Fact]
    public async Task APublishThatIsRefusedDoesNotHoldTheDownloads()
    {
        await Database.ImportCtpAsync(File.ReadAllText(CtpSample.HistoryFile));
        var shiftId = await Loop.VerifiedShiftInReviewAsync(Day, new Dictionary<string, string> { ["positive"] = "22,020" }, "AK");
        var publisher = _api.Services.CreateScope().ServiceProvider.GetRequiredService<PublishService>();
        await publisher.PublishShiftAsync(shiftId, Loop.Lead);

        await Assert.ThrowsAsync<CovidEntry.Domain.DomainException>(() => publisher.PublishShiftAsync(shiftId, Loop.OtherLead));

        Assert.False(_priority.Publishing);
        using var answer = await _api.RawHttp.GetAsync(StatesCsv);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
    }

    private static async Task UntilAsync(Func<bool> holds, string what)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!holds())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), $"Waited a minute for {what}.");
            await Task.Delay(20);
        }
    }
}
