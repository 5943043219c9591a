using CovidEntry.Domain;
using CovidEntry.Domain.Exports;
using CovidEntry.Domain.Metrics;

namespace CovidEntry.Tests.Domain;

public class V2DailyTests
{
    private static readonly DateOnly Day = new(2020, 11, 14);
    private static readonly V2Field Positive = new("positive", "Cases", MetricGroup.Cases, MetricKind.Cumulative, "positive", "cases.total");
    private static readonly V2Field InHospital = new("hospitalizedCurrently", "In hospital", MetricGroup.Hospital, MetricKind.Current, "hospitalizedCurrently", "outcomes.hospitalized.currently");

    [Fact]
    public async Task EachValueGetsItsChangeAndASevenDayAverageOfChangesOrOfValues()
    {
        // Ten days, newest first: positive grows by 10 a day, then by 80 on the newest day.
        var rows = Enumerable.Range(0, 10).Select(back => new V1DailyRow(Day.AddDays(-back), "NY", new Dictionary<string, long?>
        {
            ["positive"] = back == 0 ? 1000 + 80 - 10 : 1000 - 10 * back,
            ["hospitalizedCurrently"] = 50 + back,
        }));

        var days = await V2Daily.WithDerivedValues(rows.ToAsyncEnumerable(), [Positive, InHospital]).ToListAsync();

        Assert.Equal(10, days.Count);
        Assert.Equal(Day, days[0].Date);
        var newest = days[0].Values;
        Assert.Equal(new V2Value(1070, 80, Math.Round((80 + 6 * 10) / 7.0, 2)), newest["positive"]);
        Assert.Equal(new V2Value(50, -1, 53), newest["hospitalizedCurrently"]);
        Assert.Null(days[3].Values["positive"].SevenDayAverage);
        Assert.Equal(new V2Value(910, null, null), days[9].Values["positive"]);
    }

    [Fact]
    public async Task TheFileNestsValuesAlongTheirPathsAndDescribesEveryField()
    {
        var stream = new MemoryStream();
        var day = (Day, (IReadOnlyDictionary<string, V2Value>)new Dictionary<string, V2Value>
        {
            ["positive"] = new(1070, 80, 20),
            ["hospitalizedCurrently"] = new(null, null, null),
        });

        await V2Daily.WriteAsync(stream, new V2Jurisdiction("NY", "New York", "36"), [Positive, InHospital], null, new[] { day }.ToAsyncEnumerable());

        using var json = System.Text.Json.JsonDocument.Parse(stream.ToArray());
        var root = json.RootElement;
        Assert.Equal("New York", root.GetProperty("meta").GetProperty("jurisdiction").GetProperty("name").GetString());
        Assert.Equal(["cases.total", "outcomes.hospitalized.currently"], root.GetProperty("meta").GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("path").GetString()));
        var data = root.GetProperty("data")[0];
        Assert.Equal("2020-11-14", data.GetProperty("date").GetString());
        Assert.Equal(80, data.GetProperty("cases").GetProperty("total").GetProperty("change_from_prior_day").GetInt64());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, data.GetProperty("outcomes").GetProperty("hospitalized").GetProperty("currently").GetProperty("value").ValueKind);
    }

    [Fact]
    public async Task TwoFieldsCannotShareAPathOrRunThroughEachOther()
    {
        var clash = Positive with { Key = "other", V2Path = "cases.total.extra" };

        await Assert.ThrowsAsync<DomainException>(() =>
            V2Daily.WriteAsync(new MemoryStream(), new V2Jurisdiction("NY", "New York", "36"), [Positive, clash], null, AsyncEnumerable.Empty<(DateOnly, IReadOnlyDictionary<string, V2Value>)>()));
    }
}
