using CovidEntry.Domain;
using CovidEntry.Domain.Batches;
using CovidEntry.Domain.Entries;
using CovidEntry.Domain.Shifts;

namespace CovidEntry.Tests.Domain;

public class QueueOrderTests
{
    private static readonly DateOnly Day = new(2026, 11, 23);
    private static readonly DateTime Now = new(2026, 11, 23, 17, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void AJurisdictionIsOverdueOnceItsUsualUpdateTimeOnTheDataDatePassed()
    {
        Assert.Equal(Freshness.Overdue, QueueOrder.Of(new QueueFacts(Day, new TimeOnly(16, 30), null, null), Now));
        Assert.Equal(Freshness.Rest, QueueOrder.Of(new QueueFacts(Day, new TimeOnly(18, 0), null, null), Now));
        Assert.Equal(Freshness.Rest, QueueOrder.Of(new QueueFacts(Day, null, null, null), Now));
        Assert.Equal("Expected at 18:00 UTC", QueueOrder.Describe(Freshness.Rest, new QueueFacts(Day, new TimeOnly(18, 0), null, null)));
    }

    [Fact]
    public void AChangedSourceCountsUntilTheNextPublishAndOutranksBeingOverdue()
    {
        var changed = Now.AddHours(-1);
        Assert.Equal(Freshness.SourceChanged, QueueOrder.Of(new QueueFacts(Day, new TimeOnly(16, 30), changed, null), Now));
        Assert.Equal(Freshness.SourceChanged, QueueOrder.Of(new QueueFacts(Day, null, changed, changed.AddHours(-3)), Now));
        Assert.Equal(Freshness.Rest, QueueOrder.Of(new QueueFacts(Day, null, changed, changed.AddMinutes(5)), Now));
    }

    [Fact]
    public void AClaimLapsesAfterTheIdleTimeCountedFromTheLaterOfClaimAndTyping()
    {
        var expiry = new ClaimExpiry(TimeSpan.FromMinutes(30), HolderActiveAtUtc: Now.AddMinutes(-10));
        Assert.False(expiry.IsIdle(Now.AddHours(-2), Now));
        Assert.True(new ClaimExpiry(TimeSpan.FromMinutes(30), null).IsIdle(Now.AddMinutes(-31), Now));
        Assert.False(new ClaimExpiry(TimeSpan.FromMinutes(30), null).IsIdle(Now.AddMinutes(-29), Now));

        var entry = Batch.Daily(Day, ["NY"], "lena", Now).Entries.Single();
        entry.Claim(1, "vera", Now.AddMinutes(-31));
        Assert.Throws<DomainException>(() => entry.Claim(1, "cole", Now));
        entry.Claim(1, "cole", Now, new ClaimExpiry(TimeSpan.FromMinutes(30), null));
        Assert.Equal(("cole", Now), (entry.FirstPassUserId, entry.FirstPassClaimedAtUtc));
        Assert.Throws<DomainException>(() => entry.Release(1, "vera"));
        entry.Release(1, "cole");
        Assert.Null(entry.FirstPassUserId);
    }
}
