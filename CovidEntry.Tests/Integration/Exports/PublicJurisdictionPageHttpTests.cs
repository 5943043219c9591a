using System.Globalization;
using System.Net;
using AngleSharp.Html.Parser;
using CovidEntry.App.Features.Exports;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.Tests.Integration;

/// <summary>A jurisdiction's public page, <c>/data/{code}</c>, as an anonymous visitor gets it from the running app.</summary>
public class PublicJurisdictionPageHttpTests : IAsyncLifetime
{
    private static readonly string[] Columns = ["positiveIncrease", "totalTestResultsIncrease", "hospitalizedCurrently", "deathIncrease"];
    private static readonly string[] Keys = ["cases", "tests", "hospitalized", "deaths"];
    private static readonly (string Key, string Column)[] Totals = [("cases", "positive"), ("tests", "totalTestResults"), ("deaths", "death")];

    private readonly TestDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task ThePageShowsCtpsOwnTotalsDailyNumbersAndAveragesWithTheNotesAndSources()
    {
        await _database.ImportCtpAsync(File.ReadAllText(CtpSample.HistoryFile));
        var ny = CtpSample.HistoryRows().Where(r => r["state"] == "NY").ToList(); // newest first
        await using var app = await InProcessApp.StartAsync(_database.ConnectionString);
        using var visitor = app.NewClient();

        var response = await visitor.GetAsync("/data/ny");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await new HtmlParser().ParseDocumentAsync(await response.Content.ReadAsStringAsync());

        Assert.Equal("New York (NY)", page.QuerySelector("h1")!.TextContent.Trim());
        var rows = page.QuerySelectorAll("#recent-days tbody tr");
        Assert.Equal(ny.Select(r => r["date"]), rows.Select(r => r.GetAttribute("data-date")));
        foreach (var (row, sample) in rows.Zip(ny))
        {
            var isOldest = sample == ny[^1];
            for (var i = 0; i < Keys.Length; i++)
            {
                // The sample's first day has no day before it in the file: no change is shown for it.
                var expected = isOldest && Keys[i] != "hospitalized" ? null : CtpSample.Number(sample[Columns[i]]);
                Assert.Equal(SeriesChart.Number(expected), row.QuerySelector($"td[data-series='{Keys[i]}']")!.TextContent);
            }

            // Beside each change, the running total the files hold.
            foreach (var (key, column) in Totals)
            {
                Assert.Equal(SeriesChart.Number(CtpSample.Number(sample[column])), row.QuerySelector($"td[data-series='{key}-total']")!.TextContent);
            }
        }

        var newestWeek = ny.Take(7).Average(r => double.Parse(r["positiveIncrease"], CultureInfo.InvariantCulture));
        Assert.Equal(SeriesChart.Average(Math.Round(newestWeek, 2)), rows[0].QuerySelector("td[data-series='cases-average']")!.TextContent);
        Assert.Equal("–", rows[7].QuerySelector("td[data-series='cases-average']")!.TextContent); // its week reaches the first day
        var latestDeaths = page.QuerySelector("[data-latest='deaths']")!.TextContent;
        Assert.Contains($"November 14, 2020: {SeriesChart.Number(CtpSample.Number(ny[0]["deathIncrease"]))} new", latestDeaths);
        Assert.Contains($"{SeriesChart.Number(CtpSample.Number(ny[0]["death"]))} in all", latestDeaths);

        foreach (var key in Keys)
        {
            Assert.NotNull(page.QuerySelector($"section[data-series='{key}'] figure svg path"));
        }

        Assert.Contains("<strong>Deaths (probable)</strong>", page.QuerySelector("#jurisdiction-notes")!.InnerHtml);
        await using var db = await _database.DbAsync();
        var sources = await db.Jurisdictions.Where(j => j.Code == "NY").SelectMany(j => j.Sources).OrderBy(s => s.Position).Select(s => s.Url).ToListAsync();
        Assert.NotEmpty(sources);
        Assert.Equal(sources, page.QuerySelectorAll("#jurisdiction-sources a").Select(a => a.GetAttribute("href")));
    }

    [Fact]
    public async Task AsOfAMomentThePageShowsWhatWasPublishedThenAndItsFilesLinkTheSameMoment()
    {
        var first = await _database.ImportCtpAsync(CtpSample.HistoryOf("NY", before: new DateOnly(2020, 11, 14)));
        // The moment is given to the millisecond: the first import's time rounded up, which the second
        // import (started after the first committed, with a transaction between) is later than.
        var between = await PublishedAfterAsync(first.BatchId!.Value);
        await _database.ImportCtpAsync(CtpSample.HistoryOf("NY"));
        await using var app = await InProcessApp.StartAsync(_database.ConnectionString);
        using var visitor = app.NewClient();
        var moment = between.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

        var then = await new HtmlParser().ParseDocumentAsync(await visitor.GetStringAsync($"/data/NY?asOf={Uri.EscapeDataString(moment)}"));
        var now = await new HtmlParser().ParseDocumentAsync(await visitor.GetStringAsync("/data/NY"));

        Assert.Equal("2020-11-13", then.QuerySelector("#recent-days tbody tr")!.GetAttribute("data-date"));
        Assert.Equal("2020-11-14", now.QuerySelector("#recent-days tbody tr")!.GetAttribute("data-date"));
        Assert.Contains($"as published at {between:yyyy-MM-dd HH:mm} UTC, up to November 13, 2020", then.QuerySelector("#jurisdiction-summary")!.TextContent);
        Assert.Contains("as published now, up to November 14, 2020", now.QuerySelector("#jurisdiction-summary")!.TextContent);
        Assert.Contains(then.QuerySelectorAll("#jurisdiction-summary a"), a => a.GetAttribute("href") == $"api/v1/states/NY/daily.csv?asOf={Uri.EscapeDataString(moment)}");

        var bad = await visitor.GetAsync("/data/NY?asOf=last%20tuesday");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var refused = await new HtmlParser().ParseDocumentAsync(await bad.Content.ReadAsStringAsync());
        Assert.Contains("Give a time such as 2020-12-15T00:00Z.", refused.QuerySelector(".mud-input-helper-text")!.TextContent);
        Assert.Null(refused.QuerySelector("#recent-days"));
    }

    [Fact]
    public async Task AJurisdictionWithNothingPublishedSaysSoAndAnUnknownCodeIsNotFoundWithItsAddress()
    {
        await using var app = await InProcessApp.StartAsync(_database.ConnectionString);
        using var visitor = app.NewClient();

        var empty = await visitor.GetAsync("/data/AK");
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        var text = await empty.Content.ReadAsStringAsync();
        Assert.Contains("Nothing has been published for Alaska yet.", text);
        Assert.DoesNotContain("recent-days", text);

        // An unknown code is a 404 that names the address and points to the list of jurisdictions.
        var unknown = await visitor.GetAsync("/data/ZZ");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var notFound = await new HtmlParser().ParseDocumentAsync(await unknown.Content.ReadAsStringAsync());
        var message = notFound.QuerySelector("#not-found-message")!;
        Assert.Contains("There is no page at /data/ZZ.", message.TextContent);
        Assert.Contains(message.QuerySelectorAll("a"), a => a.GetAttribute("href") == "data");
    }

    /// <summary>The batch's publishing time rounded up to the next whole millisecond: a moment at or after it.</summary>
    private async Task<DateTimeOffset> PublishedAfterAsync(Guid batchId)
    {
        await using var db = await _database.DbAsync();
        var published = await db.Batches.Where(b => b.Id == batchId).Select(b => b.PublishedAtUtc!.Value).SingleAsync();
        var whole = published.AddTicks(-(published.Ticks % TimeSpan.TicksPerMillisecond));
        return new DateTimeOffset(DateTime.SpecifyKind(whole, DateTimeKind.Utc)).AddMilliseconds(1);
    }
}
