using CovidEntry.App.Features.Publish;
using Microsoft.Extensions.Time.Testing;

namespace CovidEntry.Tests.Features;

/// <summary>Public downloads give way to a publish on the same instance, for at most a bounded pause.</summary>
public sealed class PublishPriorityTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void WithoutAPublishADownloadGoesOnAtOnce()
    {
        var priority = new PublishPriority(_clock);

        Assert.True(priority.GiveWayAsync(CancellationToken.None).IsCompletedSuccessfully);
        Assert.False(priority.Publishing);
    }

    [Fact]
    public async Task ADownloadWaitsWhileAPublishRunsAndGoesOnWhenItEnds()
    {
        var priority = new PublishPriority(_clock);
        var publish = priority.Publish();

        var download = priority.GiveWayAsync(CancellationToken.None).AsTask();

        Assert.False(download.IsCompleted);
        Assert.Equal(1, priority.Waiting);
        publish.Dispose();
        await download.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, priority.Waiting);
        Assert.True(priority.GiveWayAsync(CancellationToken.None).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task APublishHoldsTheDownloadsBackForAtMostTheLongestPauseFromItsStart()
    {
        var priority = new PublishPriority(_clock);
        using var publish = priority.Publish();
        _clock.Advance(PublishPriority.LongestPause / 2);

        var download = priority.GiveWayAsync(CancellationToken.None).AsTask();
        _clock.Advance(PublishPriority.LongestPause / 2 - TimeSpan.FromMilliseconds(1));
        Assert.False(download.IsCompleted);
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        // The publish still runs, but its pause is over: waiting downloads go on, new ones do not wait.
        await download.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(priority.Publishing);
        Assert.True(priority.GiveWayAsync(CancellationToken.None).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task TwoPublishesHoldTheDownloadsUntilBothHaveEndedAndEndingOneTwiceDoesNotEndTheOther()
    {
        var priority = new PublishPriority(_clock);
        var first = priority.Publish();
        var second = priority.Publish();
        var download = priority.GiveWayAsync(CancellationToken.None).AsTask();

        first.Dispose();
        first.Dispose();

        Assert.True(priority.Publishing);
        Assert.False(download.IsCompleted);
        second.Dispose();
        await download.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(priority.Publishing);
    }

    [Fact]
    public async Task ADownloadWhoseClientLeftStopsWaiting()
    {
        var priority = new PublishPriority(_clock);
        using var publish = priority.Publish();
        using var left = new CancellationTokenSource();
        var download = priority.GiveWayAsync(left.Token).AsTask();

        await left.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => download.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, priority.Waiting);
    }
}
