using CovidEntry.App.Features.Alerts;
using CovidEntry.Domain.Alerts;

namespace CovidEntry.Tests.Domain;

public class StalenessTests
{
    private static readonly DateOnly Today = new(2026, 11, 25);
    private static readonly DateTime Now = new(2026, 11, 25, 17, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData("2026-11-25", "16:00", StaleState.Fresh, "Published for 2026-11-25")]
    [InlineData("2026-11-24", "16:00", StaleState.Overdue, "Overdue since 16:00 UTC")]
    [InlineData("2026-11-24", "18:30", StaleState.NotYetDue, "Due at 18:30 UTC")]
    [InlineData(null, null, StaleState.NotPublished, "Not published; no usual update time set")]
    public void AJurisdictionIsLateOnlyWhenUnpublishedPastItsUsualUpdateTime(string? lastPublished, string? expected, StaleState state, string text)
    {
        var facts = new StalenessFacts("NY", Today, expected is null ? null : TimeOnly.Parse(expected), lastPublished is null ? null : DateOnly.Parse(lastPublished));

        Assert.Equal(state, Staleness.Of(facts, Now));
        Assert.Equal(text, Staleness.Describe(state, facts));
    }

    [Fact]
    public void AFailedWebhookPostWaitsTwiceAsLongEachTimeAndThenGivesUp()
    {
        var message = new WebhookMessage(AlertQueue.Publish, "hello", null, Now);

        message.Failed("500", Now, TimeSpan.FromSeconds(5), maxAttempts: 3);
        Assert.Equal(Now.AddSeconds(5), message.NextAttemptAtUtc);
        message.Failed("500", Now, TimeSpan.FromSeconds(5), maxAttempts: 3);
        Assert.Equal(Now.AddSeconds(10), message.NextAttemptAtUtc);
        Assert.Null(message.GaveUpAtUtc);
        message.Failed("500", Now, TimeSpan.FromSeconds(5), maxAttempts: 3);
        Assert.Equal((3, Now), (message.Attempts, message.GaveUpAtUtc!.Value));
    }
}
