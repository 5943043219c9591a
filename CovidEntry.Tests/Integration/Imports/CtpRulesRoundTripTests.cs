using System.Text.Json;
using CovidEntry.App.Data;
using CovidEntry.App.Features.Exports;
using CovidEntry.App.Features.Snapshots;
using CovidEntry.Domain.Audit;
using CovidEntry.Domain.Snapshots;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CovidEntry.Tests.Integration;

/// <summary>
/// The rules of CTP's format that the two-week sample cannot show (<see cref="CtpRulesFile"/>),
/// end to end: imported, then read back through every public file over HTTP, as of a moment, in
/// snapshots and on a jurisdiction's page.
/// </summary>
public class CtpRulesRoundTripTests : PublicApiTest
{
    private static readonly string Header = CtpRulesFile.States.Split('\n')[0];

    [Fact]
    public async Task ImportingTheFileOfCtpsRulesGivesBackEveryPublicFileByteForByte()
    {
        var report = await Database.ImportCtpAsync(CtpRulesFile.States, "rules.csv");

        Assert.Empty(report.Disagreements);
        Assert.Equal((12, 12L), (report.Rows, report.DaysAdded));
        Assert.Equal(CtpRulesFile.States, await Http.GetStringAsync("/api/v1/states/daily.csv"));
        Assert.Equal(CtpRulesFile.National, await Http.GetStringAsync("/api/v1/us/daily.csv"));
        Assert.Equal(string.Join('\n', CtpRulesFile.LinesOf("AK").Prepend(Header)), await Http.GetStringAsync("/api/v1/states/ak/daily.csv"));
        Assert.Equal(string.Join('\n', CtpRulesFile.States.Split('\n').Where((line, i) => i == 0 || line.StartsWith("\"2020-03-04\"", StringComparison.Ordinal))),
            await Http.GetStringAsync("/api/v1/states/current.csv"));

        using var states = JsonDocument.Parse(await Http.GetStringAsync("/api/v1/states/daily.json"));
        var rows = states.RootElement.EnumerateArray().ToList();
        Assert.Equal(12, rows.Count);
        var firstAk = rows.Single(r => r.GetProperty("state").GetString() == "AK" && r.GetProperty("date").GetInt32() == 20200301);
        Assert.Equal(JsonValueKind.Null, firstAk.GetProperty("positive").ValueKind);
        Assert.Equal(JsonValueKind.Null, firstAk.GetProperty("totalTestResults").ValueKind);
        Assert.Equal(0, firstAk.GetProperty("positiveIncrease").GetInt64());
        var firstGu = rows.Single(r => r.GetProperty("state").GetString() == "GU" && r.GetProperty("date").GetInt32() == 20200302);
        Assert.Equal(0, firstGu.GetProperty("totalTestResults").GetInt64());

        using var us = JsonDocument.Parse(await Http.GetStringAsync("/api/v1/us/daily.json"));
        var firstDate = us.RootElement.EnumerateArray().Last();
        Assert.Equal((20200301, 1L, 0L, JsonValueKind.Null),
            (firstDate.GetProperty("date").GetInt32(), firstDate.GetProperty("states").GetInt64(), firstDate.GetProperty("totalTestResults").GetInt64(),
             firstDate.GetProperty("positive").ValueKind));

        using var v2 = JsonDocument.Parse(await Http.GetStringAsync("/api/v2/states/ak/daily.json"));
        var days = v2.RootElement.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["2020-03-04", "2020-03-03", "2020-03-02", "2020-03-01"], days.Select(d => d.GetProperty("date").GetString()));
        var emptyCases = days[3].GetProperty("cases").GetProperty("total");
        Assert.Equal((JsonValueKind.Null, "not_reported"), (emptyCases.GetProperty("value").ValueKind, emptyCases.GetProperty("missing_reason").GetString()));

        // The files count 03-03's first cases from the empty day before (checked byte for byte above); the
        // page says "not reported" for the empty days and gives no change from a day with no number (decision 034).
        var page = await Database.Get<PublicJurisdictionPageQueries>().LoadAsync("AK", null, CancellationToken.None);
        var cases = page!.Series.Single(s => s.Key == "cases").Points;
        Assert.Equal([(new DateOnly(2020, 3, 1), (long?)null), (new DateOnly(2020, 3, 2), null), (new DateOnly(2020, 3, 3), null), (new DateOnly(2020, 3, 4), 2)],
            cases.Select(p => (p.Date, p.Daily)));
    }

    [Fact]
    public async Task ImportingTheSameFileAgainWritesNothingNew()
    {
        var first = await Database.ImportCtpAsync(CtpRulesFile.States, "rules.csv");
        using var before = await Http.GetAsync("/api/v1/states/daily.csv");

        var again = await Database.ImportCtpAsync(CtpRulesFile.States, "rules.csv");

        Assert.Equal((0L, 0L), (again.VersionsWritten, again.DaysAdded));
        await using var db = await Database.DbAsync();
        Assert.Equal((12, first.VersionsWritten), (await db.ReportedDays.CountAsync(), await db.ValueVersions.LongCountAsync()));
        using var after = await Http.GetAsync("/api/v1/states/daily.csv");
        Assert.Equal(before.Headers.ETag, after.Headers.ETag);
        Assert.Equal(CtpRulesFile.States, await after.Content.ReadAsStringAsync());
        var imports = await db.AuditEvents.Where(e => e.Action == AuditAction.Import).OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(["12", "0"], imports.Select(e => e.Changes.Single(c => c.Field == "reportedDays").After));
    }

    [Fact]
    public async Task ADayReportedWithNothingFilledInExistsAsOfItsPublishAndNotBefore()
    {
        var beforeAnything = DateTimeOffset.UtcNow;
        var lateAk = CtpRulesFile.Rows.Where(r => r.State == "AK" && string.CompareOrdinal(r.Date, "2020-03-03") >= 0);
        await Database.ImportCtpAsync(CtpRulesFile.Write(lateAk), "ak-late.csv");
        var afterFirstImport = DateTimeOffset.UtcNow;

        await Database.ImportCtpAsync(CtpRulesFile.States, "rules.csv");

        string AsOf(DateTimeOffset moment) => Uri.EscapeDataString(moment.ToString("O"));
        // Before its empty days were published, 03-03 was AK's first day: no increases.
        var then = CtpRulesFile.Write(
        [
            CtpRulesFile.Rows.Single(r => r.State == "AK" && r.Date == "2020-03-04"),
            ("2020-03-03", "AK", new Dictionary<string, long> { ["positive"] = 2, ["death"] = 1 }),
        ]);
        Assert.Equal(then, await Http.GetStringAsync($"/api/v1/states/ak/daily.csv?asOf={AsOf(afterFirstImport)}"));
        Assert.Equal(string.Join('\n', CtpRulesFile.LinesOf("AK").Prepend(Header)), await Http.GetStringAsync("/api/v1/states/ak/daily.csv"));
        Assert.Equal(Header, await Http.GetStringAsync($"/api/v1/states/ak/daily.csv?asOf={AsOf(beforeAnything)}"));
        Assert.Equal(CtpRulesFile.National, await Http.GetStringAsync($"/api/v1/us/daily.csv?asOf={AsOf(DateTimeOffset.UtcNow)}"));
        var usThen = (await Http.GetStringAsync($"/api/v1/us/daily.csv?asOf={AsOf(afterFirstImport)}")).Split('\n');
        Assert.Equal(["\"2020-03-04\",1,0,,,0,,,,0,,,4,2,1,50,50", "\"2020-03-03\",1,0,,,0,,,,0,,,2,0,1,0,0"], usThen.Skip(1));
    }

    [Fact]
    public async Task ASnapshotHoldsTheDaysReportedWithNothingFilledInAndOneSuchDayAloneMakesANewSnapshot()
    {
        await Database.ImportCtpAsync(CtpRulesFile.States, "rules.csv");
        var first = await MakeSnapshotAsync();
        var withEmptyKs = CtpRulesFile.Write(CtpRulesFile.Rows.Append(("2020-03-02", "KS", new Dictionary<string, long> { ["totalTestResults"] = 0 })));

        var report = await Database.ImportCtpAsync(withEmptyKs, "rules-ks.csv");
        var second = await MakeSnapshotAsync();

        Assert.Equal((0L, 1L), (report.VersionsWritten, report.DaysAdded));
        Assert.Equal(SnapshotState.Published, first.State);
        Assert.Equal(CtpRulesFile.States, await Http.GetStringAsync($"/data/snapshots/{first.SnapshotId}/states-daily.csv"));
        Assert.Equal(CtpRulesFile.National, await Http.GetStringAsync($"/data/snapshots/{first.SnapshotId}/us-daily.csv"));
        Assert.Equal(SnapshotState.Published, second.State);
        Assert.NotEqual(first.SnapshotId, second.SnapshotId);
        Assert.Equal(withEmptyKs, await Http.GetStringAsync($"/data/snapshots/{second.SnapshotId}/states-daily.csv"));
        Assert.Equal(CtpRulesFile.National.Replace("\"2020-03-02\",,0,,,0,,,,0,,,5,5,3,20,20", "\"2020-03-02\",,0,,,0,,,,0,,,5,5,4,20,20", StringComparison.Ordinal),
            await Http.GetStringAsync($"/data/snapshots/{second.SnapshotId}/us-daily.csv"));
        using var changelog = JsonDocument.Parse(await Http.GetStringAsync($"/data/snapshots/{second.SnapshotId}/changelog.json"));
        Assert.Equal((1, 0), (changelog.RootElement.GetProperty("rows_added").GetInt32(), changelog.RootElement.GetProperty("cells_changed").GetInt32()));
        var added = Assert.Single(changelog.RootElement.GetProperty("added_rows").EnumerateArray());
        Assert.Equal(("2020-03-02", "KS"), (added.GetProperty("date").GetString(), added.GetProperty("state").GetString()));
        using var firstChangelog = JsonDocument.Parse(await Http.GetStringAsync($"/data/snapshots/{first.SnapshotId}/changelog.json"));
        Assert.Equal(12, firstChangelog.RootElement.GetProperty("rows_added").GetInt32());
    }

    [Fact]
    public async Task AnImportThatFailsWhileRecordingItsDaysLeavesNothingWritten()
    {
        await using (var db = Database.BehindTheAppsBack(DatabaseRole.Owner))
        {
            await db.Database.ExecuteSqlRawAsync("""
                CREATE FUNCTION fail_days() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full (test)'; END; $$;
                CREATE TRIGGER fail_days BEFORE INSERT ON "ReportedDays" FOR EACH ROW EXECUTE FUNCTION fail_days();
                """);
        }

        var failure = await Assert.ThrowsAsync<PostgresException>(() => Database.ImportCtpAsync(CtpRulesFile.States, "rules.csv"));

        Assert.Equal("disk full (test)", failure.MessageText);
        await using (var db = await Database.DbAsync())
        {
            Assert.Equal((0, 0, 0, 0), (await db.ValueVersions.CountAsync(), await db.LatestValues.CountAsync(), await db.ReportedDays.CountAsync(), await db.Batches.CountAsync()));
        }

        await using (var db = Database.BehindTheAppsBack(DatabaseRole.Owner))
        {
            await db.Database.ExecuteSqlRawAsync("DROP TRIGGER fail_days ON \"ReportedDays\"");
        }

        Assert.Equal(12, (await Database.ImportCtpAsync(CtpRulesFile.States, "rules.csv")).DaysAdded);
    }

    [Fact]
    public async Task TheDatabaseRefusesToChangeOrDeleteAReportedDay()
    {
        await Database.ImportCtpAsync(CtpRulesFile.States, "rules.csv");

        foreach (var sql in (string[])["UPDATE \"ReportedDays\" SET \"DataDate\" = '2020-01-01'", "DELETE FROM \"ReportedDays\"", "TRUNCATE \"ReportedDays\" CASCADE"])
        {
            var (asApp, asOwner) = await Database.RefusalsAsync(sql);
            Assert.Contains("permission denied", asApp.MessageText, StringComparison.Ordinal);
            Assert.Contains("append-only", asOwner.MessageText, StringComparison.Ordinal);
        }

        Assert.Equal(CtpRulesFile.States, await Http.GetStringAsync("/api/v1/states/daily.csv"));
    }

    private Task<SnapshotOutcome> MakeSnapshotAsync() => Database.Get<SnapshotService>().MakeAsync(SnapshotService.OnDemand, Loop.Admin);
}
