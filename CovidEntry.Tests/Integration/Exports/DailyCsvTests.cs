using System.Net;
using CovidEntry.App.Features.Publish;

namespace CovidEntry.Tests.Integration;

/// <summary>The public daily CSV over real HTTP, on what the publish transaction wrote.</summary>
public class DailyCsvTests : PublicApiTest
{
    [Fact]
    public async Task WithNothingPublishedTheFileIsTheHeaderAlone()
    {
        var csv = await Http.GetStringAsync("/api/v1/states/daily.csv");

        Assert.StartsWith("\"date\",\"state\",\"death\",", csv);
        Assert.DoesNotContain('\n', csv);
    }

    [Fact]
    public async Task ListsThePublishedValuesNewestDateFirstThenStateInCtpFormat()
    {
        var publisher = Database.Get<PublishService>();
        var older = new Dictionary<string, string> { ["positive"] = "21,000", ["death"] = "97" };
        var newer = new Dictionary<string, string> { ["positive"] = "22,020", ["death"] = "98", ["hospitalizedCurrently"] = "125" };
        await publisher.PublishShiftAsync(await Loop.VerifiedShiftInReviewAsync(new DateOnly(2020, 11, 13), older, "AL", "AK"), Loop.Lead);
        await publisher.PublishShiftAsync(await Loop.VerifiedShiftInReviewAsync(new DateOnly(2020, 11, 14), newer, "AK", "AL"), Loop.Lead);

        using var response = await Http.GetAsync("/api/v1/states/daily.csv");
        var csv = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.False(csv.EndsWith('\n'), "CTP's files have no newline after the last line");
        var lines = csv.Split('\n');
        var header = lines[0].Split(',').Select(c => c.Trim('"')).ToList();
        Assert.Equal(["date", "state"], header.Take(2));
        Assert.Equal(header.Skip(2).Order(StringComparer.Ordinal), header.Skip(2));
        Assert.Equal(
            ["\"2020-11-14\",\"AK\"", "\"2020-11-14\",\"AL\"", "\"2020-11-13\",\"AK\"", "\"2020-11-13\",\"AL\""],
            lines.Skip(1).Select(l => string.Join(',', l.Split(',').Take(2))));

        string Cell(int line, string column) => lines[line].Split(',')[header.IndexOf(column)];
        Assert.Equal(("22020", "98", "125"), (Cell(1, "positive"), Cell(1, "death"), Cell(1, "hospitalizedCurrently")));
        Assert.Equal(("21000", "97", ""), (Cell(3, "positive"), Cell(3, "death"), Cell(3, "hospitalizedCurrently")));
        Assert.Equal("", Cell(3, "recovered"));
    }
}
