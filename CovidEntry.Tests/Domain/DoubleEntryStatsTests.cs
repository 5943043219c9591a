using CovidEntry.Domain.Entries;

namespace CovidEntry.Tests.Domain;

public class DoubleEntryStatsTests
{
    private static readonly DateOnly Monday = new(2020, 11, 9);

    private static ComparedEntry Entry(DateOnly date, long? firstDeath, long? secondDeath, ResolutionSource resolution = ResolutionSource.Matched) =>
        new(date, "vera", "cole",
            new Dictionary<string, long?> { ["positive"] = 10, ["death"] = firstDeath, ["recovered"] = null },
            new Dictionary<string, long?> { ["positive"] = 10, ["death"] = secondDeath, ["recovered"] = null },
            new Dictionary<string, ResolutionSource> { ["death"] = resolution });

    [Fact]
    public void MismatchesAreCountedPerVolunteerAndMetricAndBothEmptyFieldsAreNot()
    {
        var report = DoubleEntryStats.Compute(
        [
            Entry(Monday, 5, 5),
            Entry(Monday.AddDays(1), 5, 6, ResolutionSource.FirstPass),
            Entry(Monday.AddDays(7), 7, 9, ResolutionSource.Typed),
        ]);

        var vera = report.ByVolunteer.Single(r => r.Key == "vera");
        var cole = report.ByVolunteer.Single(r => r.Key == "cole");
        Assert.Equal(new Rate(6, 2, 1), vera.Total);
        Assert.Equal(new Rate(6, 2, 2), cole.Total);
        Assert.Equal(new Rate(3, 2, 0), report.ByMetric.Single(r => r.Key == "death").Total);
        Assert.Equal(new Rate(3, 0, 0), report.ByMetric.Single(r => r.Key == "positive").Total);
        Assert.DoesNotContain(report.ByMetric, r => r.Key == "recovered");
        Assert.Equal("death", report.ByMetric[0].Key);
    }

    [Fact]
    public void RatesAreAlsoKeptWeekByWeekStartingOnMonday()
    {
        var report = DoubleEntryStats.Compute([Entry(Monday.AddDays(6), 5, 6), Entry(Monday.AddDays(7), 5, 5)]);

        Assert.Equal([Monday, Monday.AddDays(7)], report.Weeks);
        var death = report.ByMetric.Single(r => r.Key == "death");
        Assert.Equal(100.0, death.Weeks[Monday].MismatchPercent);
        Assert.Equal(0.0, death.Weeks[Monday.AddDays(7)].MismatchPercent);
        Assert.Equal(Monday, DoubleEntryStats.WeekOf(Monday.AddDays(6)));
    }
}
