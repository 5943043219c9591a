using CovidEntry.Domain;
using CovidEntry.Domain.History;
using CovidEntry.Domain.Metrics;

namespace CovidEntry.Tests.Domain;

public class MissingReasonTests
{
    private static readonly DateTime Now = new(2026, 11, 23, 20, 0, 0, DateTimeKind.Utc);
    private static readonly CellKey Death = new("NY", new DateOnly(2020, 11, 14), "death");

    [Fact]
    public void AReasonBelongsToAnEmptyValueAndNotReportedIsTheSameAsNoReason()
    {
        Assert.Equal(new Reading(null), new Reading(null, MissingReason.NotReported));
        Assert.Null(new Reading(5, MissingReason.Suppressed).Missing);
        Assert.Equal(MissingReason.Suppressed, new Reading(null, MissingReason.Suppressed).ReasonIfEmpty);
        Assert.Equal(MissingReason.NotReported, new Reading(null).ReasonIfEmpty);
        Assert.Throws<DomainException>(() => new Reading(-1));
    }

    [Theory]
    [InlineData("suppressed", null, MissingReason.Suppressed)]
    [InlineData(" N/A ", null, MissingReason.NotApplicable)]
    [InlineData("removed", null, MissingReason.RemovedBySource)]
    [InlineData("", null, null)]
    [InlineData("1,234", 1234L, null)]
    public void TheEditGridReadsNumbersEmptyAndReasonWords(string typed, long? value, MissingReason? missing)
    {
        var (reading, error) = MetricValueParser.ParseReading(typed);

        Assert.Null(error);
        Assert.Equal(new Reading(value, missing), reading);
    }

    [Fact]
    public void AnythingElseIsRefusedWithWhatToWrite()
    {
        Assert.Equal(MetricValueParser.NotAReading, MetricValueParser.ParseReading("gone").Error);
        Assert.Equal(MetricValueParser.NoDecimals, MetricValueParser.ParseReading("1.5").Error);
    }

    [Fact]
    public void AChangeOfReasonIsANewVersionButNothingOnNothingIsNot()
    {
        var first = PublishPlanner.Plan([KeyValuePair.Create(Death, new Reading(100))], new Dictionary<CellKey, LatestValue>(), Guid.NewGuid(), "lena", Now);
        var latest = first.ToDictionary(v => v.Cell, v => new LatestValue(v));

        var suppressed = PublishPlanner.Plan([KeyValuePair.Create(Death, new Reading(null, MissingReason.Suppressed))], latest, Guid.NewGuid(), "omar", Now);
        latest[Death].Apply(suppressed.Single());
        var again = PublishPlanner.Plan([KeyValuePair.Create(Death, new Reading(null, MissingReason.Suppressed))], latest, Guid.NewGuid(), "omar", Now);
        var notReported = PublishPlanner.Plan([KeyValuePair.Create(Death, new Reading(null))], latest, Guid.NewGuid(), "omar", Now);
        var fresh = PublishPlanner.Plan(
            [KeyValuePair.Create(Death with { MetricKey = "recovered" }, new Reading(null)), KeyValuePair.Create(Death with { MetricKey = "positive" }, new Reading(null, MissingReason.NotApplicable))],
            latest, Guid.NewGuid(), "omar", Now);

        Assert.Equal((null, MissingReason.Suppressed, 2), (suppressed.Single().Value, suppressed.Single().MissingReason, suppressed.Single().VersionNumber));
        Assert.Empty(again);
        Assert.Equal((null, (MissingReason?)null, 3), (notReported.Single().Value, notReported.Single().MissingReason, notReported.Single().VersionNumber));
        Assert.Equal("positive", fresh.Single().MetricKey);
    }
}
