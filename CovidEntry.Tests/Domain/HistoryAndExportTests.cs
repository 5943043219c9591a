using CovidEntry.Domain;
using CovidEntry.Domain.Exports;
using CovidEntry.Domain.History;
using CovidEntry.Domain.Metrics;

namespace CovidEntry.Tests.Domain;

public class HistoryAndExportTests
{
    private static readonly DateTime Now = new(2026, 11, 23, 20, 0, 0, DateTimeKind.Utc);
    private static readonly CellKey Positive = new("NY", new DateOnly(2026, 11, 22), "positive");
    private static readonly CellKey Death = new("NY", new DateOnly(2026, 11, 22), "death");

    [Fact]
    public void AFirstPublishWritesVersionOneOfEveryReportedCell()
    {
        var versions = PublishPlanner.Plan(
            [KeyValuePair.Create(Positive, (long?)100), KeyValuePair.Create(Death, (long?)null)],
            new Dictionary<CellKey, LatestValue>(), Guid.NewGuid(), "lena", Now);

        var version = Assert.Single(versions);
        Assert.Equal((Positive, 100L, 1, 1), (version.Cell, version.Value!.Value, version.VersionNumber, version.LagDays));
    }

    [Fact]
    public void RepublishingWritesVersionsOnlyForChangedCells()
    {
        var first = PublishPlanner.Plan([KeyValuePair.Create(Positive, (long?)100), KeyValuePair.Create(Death, (long?)5)],
            new Dictionary<CellKey, LatestValue>(), Guid.NewGuid(), "lena", Now);
        var latest = first.ToDictionary(v => v.Cell, v => new LatestValue(v));

        var second = PublishPlanner.Plan([KeyValuePair.Create(Positive, (long?)100), KeyValuePair.Create(Death, (long?)null)],
            latest, Guid.NewGuid(), "lena", Now.AddDays(1));

        var withdrawn = Assert.Single(second);
        Assert.Equal((Death, (long?)null, 2, 2), (withdrawn.Cell, withdrawn.Value, withdrawn.VersionNumber, withdrawn.LagDays));
        latest[Death].Apply(withdrawn);
        Assert.Equal((null, 2), (latest[Death].Value, latest[Death].VersionNumber));
    }

    [Fact]
    public void TheLatestValueOnlyTakesTheNextVersionOfItsOwnCell()
    {
        var v1 = new ValueVersion(Positive, 1, 1, Guid.NewGuid(), "lena", Now);
        var latest = new LatestValue(v1);

        Assert.Throws<DomainException>(() => latest.Apply(new ValueVersion(Positive, 2, 3, Guid.NewGuid(), "lena", Now)));
        Assert.Throws<DomainException>(() => latest.Apply(new ValueVersion(Death, 2, 2, Guid.NewGuid(), "lena", Now)));
        Assert.Equal(1, latest.Value);
    }

    [Fact]
    public async Task V1CsvMatchesTheCovidTrackingProjectFormat()
    {
        var columns = V1DailyCsv.Columns(["positive", "death", "hospitalizedCurrently"]);
        var rows = new[]
        {
            new V1DailyRow(new DateOnly(2020, 11, 14), "AK", new Dictionary<string, long?> { ["death"] = 98, ["positive"] = 22020 }),
            new V1DailyRow(new DateOnly(2020, 11, 14), "AL", new Dictionary<string, long?> { ["death"] = 3246, ["hospitalizedCurrently"] = 1120, ["positive"] = null }),
        };

        var writer = new StringWriter();
        await V1DailyCsv.WriteAsync(writer, columns, rows.ToAsyncEnumerable());

        Assert.Equal(
            "\"date\",\"state\",\"death\",\"hospitalizedCurrently\",\"positive\"\n"
            + "\"2020-11-14\",\"AK\",98,,22020\n"
            + "\"2020-11-14\",\"AL\",3246,1120,",
            writer.ToString());
    }

    [Fact]
    public void TheSeededCatalogCoversEveryRawColumnOfTheCtpHistoryFile()
    {
        var header = File.ReadLines(Path.Combine(RepoPaths.TestData, "ctp-states-history-sample.csv")).First()
            .Split(',').Select(c => c.Trim('"')).ToHashSet();
        string[] derived = ["date", "state", "hospitalized", "positiveScore", "totalTestResults"];
        var raw = header.Where(c => !c.EndsWith("Increase", StringComparison.Ordinal) && !derived.Contains(c)).ToHashSet();

        Assert.Equal(raw.Order(), CtpMetricCatalog.All.Select(m => m.V1Column).Order());
        Assert.Equal(CtpMetricCatalog.All.Count, CtpMetricCatalog.All.Select(m => m.DisplayOrder).Distinct().Count());
    }
}
