using System.Net;
using System.Text;
using System.Text.Json;
using CovidEntry.App.Features.Imports;

namespace CovidEntry.Tests.Integration;

/// <summary>The v1 files over real HTTP after importing CTP's own history sample.</summary>
public class PublicFilesTests : IAsyncLifetime
{
    private readonly TestDatabase _database = new();
    private PublicApi _api = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _api = await PublicApi.StartAsync(_database.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task TheStatesDailyCsvGivesBackCtpsFileCellForCell()
    {
        await _database.ImportCtpAsync(File.ReadAllText(CtpSample.HistoryFile));

        var exported = (await _api.Http.GetStringAsync("/api/v1/states/daily.csv")).Split('\n');

        var original = File.ReadAllText(CtpSample.HistoryFile).Split('\n');
        Assert.Equal(original.Length, exported.Length);
        Assert.Equal(original[0], exported[0]);
        var header = original[0].Split(',').Select(c => c.Trim('"')).ToList();
        for (var line = 1; line < original.Length; line++)
        {
            var firstSampleDay = original[line].StartsWith("\"2020-11-01\"", StringComparison.Ordinal);
            if (!firstSampleDay)
            {
                Assert.Equal(original[line], exported[line]);
                continue;
            }

            // Before the sample's first day the history is not loaded, so its increases differ; nothing else may.
            var (want, got) = (original[line].Split(','), exported[line].Split(','));
            for (var column = 0; column < header.Count; column++)
            {
                if (!header[column].EndsWith("Increase", StringComparison.Ordinal))
                {
                    Assert.True(want[column] == got[column], $"line {line + 1} {header[column]}: {want[column]} vs {got[column]}");
                }
            }
        }
    }

    [Fact]
    public async Task OneStatesFileTheCurrentFileTheJsonAndTheUsFileAgreeWithTheStatesFile()
    {
        await _database.ImportCtpAsync(File.ReadAllText(CtpSample.HistoryFile));
        var all = (await _api.Http.GetStringAsync("/api/v1/states/daily.csv")).Split('\n');

        var ny = (await _api.Http.GetStringAsync("/api/v1/states/ny/daily.csv")).Split('\n');
        var current = (await _api.Http.GetStringAsync("/api/v1/states/current.csv")).Split('\n');
        using var json = JsonDocument.Parse(await _api.Http.GetStringAsync("/api/v1/states/daily.json"));
        var us = (await _api.Http.GetStringAsync("/api/v1/us/daily.csv")).Split('\n');

        Assert.Equal([all[0], .. all.Where(l => l.Contains("\"NY\""))], ny);
        Assert.Equal([all[0], .. all.Skip(1).Where(l => l.StartsWith("\"2020-11-14\"", StringComparison.Ordinal))], current);
        var nyLatest = json.RootElement.EnumerateArray().First(e => e.GetProperty("state").GetString() == "NY");
        Assert.Equal(20201114, nyLatest.GetProperty("date").GetInt32());
        var header = all[0].Split(',').Select(c => c.Trim('"')).ToList();
        Assert.Equal(ny[1].Split(',')[header.IndexOf("positive")], nyLatest.GetProperty("positive").GetInt64().ToString());
        Assert.Equal(784, json.RootElement.GetArrayLength());
        Assert.Equal("\"date\",\"death\",\"deathIncrease\",\"inIcuCumulative\",\"inIcuCurrently\",\"hospitalizedIncrease\",\"hospitalizedCurrently\",\"hospitalizedCumulative\",\"negative\",\"negativeIncrease\",\"onVentilatorCumulative\",\"onVentilatorCurrently\",\"positive\",\"positiveIncrease\",\"states\",\"totalTestResults\",\"totalTestResultsIncrease\"", us[0]);
        Assert.Equal(15, us.Length);
        Assert.StartsWith("\"2020-11-14\",", us[1]);
    }

    [Fact]
    public async Task AsOfAnswersWithTheHistoryAsItWasPublishedAtThatMoment()
    {
        var original = File.ReadAllText(CtpSample.HistoryFile);
        var beforeAnything = DateTimeOffset.UtcNow;
        await _database.ImportCtpAsync(original);
        var afterFirstImport = DateTimeOffset.UtcNow;
        var firstExport = await _api.Http.GetStringAsync("/api/v1/states/daily.csv");
        var lines = original.Split('\n');
        var header = lines[0].Split(',').ToList();
        var death = header.IndexOf("\"death\"");
        var cells = lines[1].Split(',');
        var firstDeath = cells[death];
        cells[death] = (long.Parse(firstDeath) + 10).ToString();
        lines[1] = string.Join(',', cells);
        await _database.ImportCtpAsync(string.Join('\n', lines));

        string Death(string csv) => csv.Split('\n')[1].Split(',')[death];
        var then = await _api.Http.GetStringAsync($"/api/v1/states/daily.csv?asOf={Uri.EscapeDataString(afterFirstImport.ToString("O"))}");
        var now = await _api.Http.GetStringAsync("/api/v1/states/daily.csv");
        var nothing = await _api.Http.GetStringAsync($"/api/v1/states/daily.csv?asOf={Uri.EscapeDataString(beforeAnything.ToString("O"))}");

        Assert.Equal(firstDeath, Death(then));
        Assert.Equal(cells[death], Death(now));
        Assert.Equal(firstExport, then);
        Assert.NotEqual(firstExport, now);
        Assert.DoesNotContain('\n', nothing);
    }

    [Fact]
    public async Task TheV2FileOfAJurisdictionCarriesItsValuesWithChangesAndAveragesFromCtpsIncreases()
    {
        await _database.ImportCtpAsync(File.ReadAllText(CtpSample.HistoryFile));
        var ny = CtpSample.HistoryRows().Where(r => r["state"] == "NY").ToList();

        using var json = JsonDocument.Parse(await _api.Http.GetStringAsync("/api/v2/states/ny/daily.json"));

        var root = json.RootElement;
        Assert.Equal("NY", root.GetProperty("meta").GetProperty("jurisdiction").GetProperty("code").GetString());
        Assert.Equal(28, root.GetProperty("meta").GetProperty("fields").GetArrayLength());
        var data = root.GetProperty("data");
        Assert.Equal(14, data.GetArrayLength());
        var newest = data[0];
        Assert.Equal("2020-11-14", newest.GetProperty("date").GetString());
        var cases = newest.GetProperty("cases").GetProperty("total");
        Assert.Equal(long.Parse(ny[0]["positive"]), cases.GetProperty("value").GetInt64());
        Assert.Equal(long.Parse(ny[0]["positiveIncrease"]), cases.GetProperty("change_from_prior_day").GetInt64());
        Assert.Equal(Math.Round(ny.Take(7).Average(r => double.Parse(r["positiveIncrease"])), 2), cases.GetProperty("seven_day_average").GetDouble());
        Assert.Equal(JsonValueKind.Null, data[13].GetProperty("cases").GetProperty("total").GetProperty("change_from_prior_day").ValueKind);
    }

    [Fact]
    public async Task AnUnchangedFileIsAnswered304AndAPublishChangesItsTag()
    {
        var text = File.ReadAllText(CtpSample.HistoryFile);
        await _database.ImportCtpAsync(text);
        using var first = await _api.Http.GetAsync("/api/v1/states/daily.csv");
        var tag = first.Headers.ETag!;
        using var wyFirst = await _api.Http.GetAsync("/api/v1/states/wy/daily.csv");

        using var again = await SendAsync("/api/v1/states/daily.csv", tag);
        using var otherFile = await SendAsync("/api/v1/us/daily.json", tag);
        var lines = text.Split('\n');
        lines[1] = lines[1].Replace(",\"AK\",", ",\"AK\",1", StringComparison.Ordinal); // AK's deaths gain a leading 1
        await _database.ImportCtpAsync(string.Join('\n', lines));
        using var afterPublish = await SendAsync("/api/v1/states/daily.csv", tag);
        using var wyAfter = await SendAsync("/api/v1/states/wy/daily.csv", wyFirst.Headers.ETag!);

        Assert.Equal("public, max-age=60, stale-while-revalidate=60, stale-if-error=86400", first.Headers.CacheControl!.ToString());
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Empty(await again.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.OK, otherFile.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterPublish.StatusCode);
        Assert.NotEqual(tag, afterPublish.Headers.ETag);

        // The tag is the file's own hash: a publish that did not touch WY leaves its file's tag alone.
        Assert.Equal(HttpStatusCode.NotModified, wyAfter.StatusCode);
    }

    [Fact]
    public async Task AnErrorAnswerCarriesNoTag()
    {
        using var response = await _api.Http.GetAsync("/api/v1/states/daily.csv?asOf=soon");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.ETag);
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesEveryPublicEndpointAndTheReferencePageServesIt()
    {
        using var document = JsonDocument.Parse(await _api.Http.GetStringAsync("/openapi/v1.json"));
        var docs = await _api.Http.GetStringAsync("/api/docs");

        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            [
                "/api/v1/states/current.{format}", "/api/v1/states/daily.{format}", "/api/v1/states/info.{format}", "/api/v1/states/{code}/daily.{format}",
                "/api/v1/us/daily.{format}", "/api/v2/states/{code}/daily.json",
                "/api/v2/states/{code}/screenshots.json",
                "/data/public-key.pem",
                "/data/snapshots/latest/{name}", "/data/snapshots/{id}/SHA256SUMS", "/data/snapshots/{id}/SHA256SUMS.sig", "/data/snapshots/{id}/changelog.json",
                "/data/snapshots/{id}/manifest.json", "/data/snapshots/{id}/public-key.pem", "/data/snapshots/{id}/{name}",
                "/screenshots/{sha256}", "/screenshots/{sha256}/thumbnail",
            ],
            paths);
        Assert.Equal("CovidEntry public data", document.RootElement.GetProperty("info").GetProperty("title").GetString());
        Assert.Contains("\"url\":\"openapi/v1.json\"", docs);
        var script = System.Text.RegularExpressions.Regex.Match(docs, "<script[^>]+src=\"([^\"]+)\"").Groups[1].Value;
        Assert.False(script.StartsWith("http", StringComparison.Ordinal), $"the reference page must not load {script} from the internet");
        using var scriptResponse = await _api.Http.GetAsync(new Uri(new Uri(_api.Http.BaseAddress!, "/api/docs/"), script));
        Assert.Equal(HttpStatusCode.OK, scriptResponse.StatusCode);
    }

    private async Task<HttpResponseMessage> SendAsync(string path, System.Net.Http.Headers.EntityTagHeaderValue tag)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.IfNoneMatch.Add(tag);
        return await _api.Http.SendAsync(request);
    }

    [Theory]
    [InlineData("/api/v1/states/daily.csv?asOf=yesterday", HttpStatusCode.BadRequest, "asOf must be an ISO 8601 time")]
    [InlineData("/api/v1/us/daily.json?asOf=2020-13-45", HttpStatusCode.BadRequest, "is not a time")]
    [InlineData("/api/v1/states/zz/daily.csv", HttpStatusCode.NotFound, "There is no jurisdiction \\\"zz\\\"")]
    [InlineData("/api/v1/states/daily.xml", HttpStatusCode.NotFound, "Ask for .csv or .json")]
    public async Task BadRequestsAreAnsweredWithAMessage(string path, HttpStatusCode status, string message)
    {
        using var response = await _api.Http.GetAsync(path);

        Assert.Equal(status, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheStatesInfoFileListsEveryJurisdictionInCtpsColumns()
    {
        var csv = await _api.Http.GetStringAsync("/api/v1/states/info.csv");
        using var json = JsonDocument.Parse(await _api.Http.GetStringAsync("/api/v1/states/info.json"));

        Assert.StartsWith("state,notes,covid19Site,covid19SiteSecondary,covid19SiteTertiary,covid19SiteQuaternary,covid19SiteQuinary,twitter,", csv);
        Assert.Equal(56, json.RootElement.GetArrayLength());
        var ny = json.RootElement.EnumerateArray().Single(e => e.GetProperty("state").GetString() == "NY");
        Assert.Equal(("New York", "36", "totalTestEncountersViral"), (ny.GetProperty("name").GetString(), ny.GetProperty("fips").GetString(), ny.GetProperty("covidTrackingProjectPreferredTotalTestField").GetString()));
    }
}
