using CovidEntry.App.Data;
using CovidEntry.App.Features.Exports;
using CovidEntry.App.Features.Publish;
using CovidEntry.Domain;
using CovidEntry.Domain.Audit;
using CovidEntry.Domain.Batches;
using CovidEntry.Domain.Exports;
using CovidEntry.Domain.Shifts;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CovidEntry.Tests.Integration;

public class PublishTests : LoopTest
{
    private static readonly Dictionary<string, string> AkValues = new()
    {
        ["positive"] = "22,020",
        ["death"] = "98",
        ["hospitalizedCurrently"] = "125",
    };

    [Fact]
    public async Task PublishWritesVersionsAndLatestValuesAndMarksBatchAndShiftPublished()
    {
        var shiftId = await Loop.VerifiedShiftInReviewAsync(Day, AkValues, "AK", "AL");

        var result = await Database.Get<PublishService>().PublishShiftAsync(shiftId, Loop.Lead);

        Assert.Equal(6, result.VersionsWritten);
        await using var db = await Database.DbAsync();
        var latest = await db.LatestValues.Where(l => l.JurisdictionCode == "AK").OrderBy(l => l.MetricKey).ToListAsync();
        Assert.Equal(
            [("death", 98L, 1), ("hospitalizedCurrently", 125L, 1), ("positive", 22020L, 1)],
            latest.Select(l => (l.MetricKey, l.Value!.Value, l.VersionNumber)));
        var versions = await db.ValueVersions.ToListAsync();
        Assert.Equal(6, versions.Count);
        Assert.All(versions, v => Assert.Equal(Loop.Lead, v.PublishedByUserId));
        var shift = await db.Shifts.SingleAsync(s => s.Id == shiftId);
        var batch = await db.Batches.SingleAsync(b => b.Id == shift.BatchId);
        Assert.Equal((ShiftState.Published, BatchStatus.Published, Loop.Lead), (shift.State, batch.Status, batch.PublishedByUserId));
    }

    [Fact]
    public async Task ASecondPublishOfTheSameBatchIsRefusedAndWritesNothing()
    {
        var shiftId = await Loop.VerifiedShiftInReviewAsync(Day, AkValues, "AK");
        var publisher = Database.Get<PublishService>();
        await publisher.PublishShiftAsync(shiftId, Loop.Lead);

        var again = await Assert.ThrowsAsync<DomainException>(() => publisher.PublishShiftAsync(shiftId, Loop.OtherLead));

        Assert.Contains("already published", again.Message);
        Assert.Equal(3, await Loop.VersionCountAsync());
    }

    [Fact]
    public async Task TwoPublishesAtOnceSucceedExactlyOnce()
    {
        var shiftId = await Loop.VerifiedShiftInReviewAsync(Day, AkValues, "AK", "AL");

        var attempts = await Task.WhenAll(
            Attempt(() => Database.Get<PublishService>().PublishShiftAsync(shiftId, Loop.Lead)),
            Attempt(() => Database.Get<PublishService>().PublishShiftAsync(shiftId, Loop.OtherLead)));

        Assert.Single(attempts, a => a is null);
        Assert.Single(attempts, a => a is DomainException);
        Assert.Equal(6, await Loop.VersionCountAsync());
    }

    [Fact]
    public async Task ABatchWithUnverifiedEntriesIsNotPublished()
    {
        var shiftId = await Loop.OpenShiftAsync(Day, "AK");
        await using (var db = await Database.DbAsync())
        {
            // Force the shift into review around the domain rule, to prove publish checks again.
            await db.Database.ExecuteSqlAsync($"UPDATE \"Shifts\" SET \"State\" = 'InReview' WHERE \"Id\" = {shiftId}");
        }

        var refused = await Assert.ThrowsAsync<DomainException>(() => Database.Get<PublishService>().PublishShiftAsync(shiftId, Loop.Lead));

        Assert.Contains("Not yet verified: AK", refused.Message);
        Assert.Equal(0, await Loop.VersionCountAsync());
    }

    [Fact]
    public async Task ALeadWhoEnteredAPassCannotPublish()
    {
        var shiftId = await Loop.VerifiedShiftInReviewAsync(Day, AkValues, "AK");

        // Vera entered pass 1 and is a lead too: the rule, not her role, is what refuses her.
        await Database.Get<CovidEntry.App.Features.Admin.UserAdminService>().SetRolesAsync(
            Loop.Vera, [CovidEntry.Domain.People.Roles.Volunteer, CovidEntry.Domain.People.Roles.ShiftLead], Loop.Admin);
        var refused = await Assert.ThrowsAsync<DomainException>(() => Database.Get<PublishService>().PublishShiftAsync(shiftId, Loop.Vera));

        Assert.Contains("another lead must publish", refused.Message);
    }

    [Fact]
    public async Task AFailureDuringPublishLeavesNothingHalfWritten()
    {
        var shiftId = await Loop.VerifiedShiftInReviewAsync(Day, AkValues, "AK");
        await using (var db = Database.BehindTheAppsBack(DatabaseRole.Owner))
        {
            await db.Database.ExecuteSqlRawAsync("""
                CREATE FUNCTION fail_latest() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full (test)'; END; $$;
                CREATE TRIGGER fail_latest BEFORE INSERT ON "LatestValues" FOR EACH ROW EXECUTE FUNCTION fail_latest();
                """);
        }

        var failure = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => Database.Get<PublishService>().PublishShiftAsync(shiftId, Loop.Lead));
        Assert.Equal("disk full (test)", failure.MessageText);

        await using (var db = await Database.DbAsync())
        {
            Assert.Equal(0, await db.ValueVersions.CountAsync());
            Assert.Equal(0, await db.LatestValues.CountAsync());
            var shift = await db.Shifts.SingleAsync(s => s.Id == shiftId);
            Assert.Equal(ShiftState.InReview, shift.State);
            Assert.Equal(BatchStatus.Open, (await db.Batches.SingleAsync(b => b.Id == shift.BatchId)).Status);
        }

        await using (var db = Database.BehindTheAppsBack(DatabaseRole.Owner))
        {
            await db.Database.ExecuteSqlRawAsync("DROP TRIGGER fail_latest ON \"LatestValues\"");
        }

        await Database.Get<PublishService>().PublishShiftAsync(shiftId, Loop.Lead);
        Assert.Equal(3, await Loop.VersionCountAsync());
    }

    [Fact]
    public async Task RepublishingADayWritesNewVersionsOnlyForChangedCells()
    {
        var publisher = Database.Get<PublishService>();
        await publisher.PublishShiftAsync(await Loop.VerifiedShiftInReviewAsync(Day, AkValues, "AK"), Loop.Lead);

        var corrected = new Dictionary<string, string>(AkValues) { ["death"] = "99", ["hospitalizedCurrently"] = "" };
        var result = await publisher.PublishShiftAsync(await Loop.VerifiedShiftInReviewAsync(Day, corrected, "AK"), Loop.OtherLead);

        Assert.Equal(2, result.VersionsWritten);
        await using var db = await Database.DbAsync();
        var latest = await db.LatestValues.ToDictionaryAsync(l => l.MetricKey);
        Assert.Equal((99L, 2), (latest["death"].Value!.Value, latest["death"].VersionNumber));
        Assert.Equal(((long?)null, 2), (latest["hospitalizedCurrently"].Value, latest["hospitalizedCurrently"].VersionNumber));
        Assert.Equal((22020L, 1), (latest["positive"].Value!.Value, latest["positive"].VersionNumber));
        var deathHistory = await db.ValueVersions.Where(v => v.MetricKey == "death").OrderBy(v => v.VersionNumber).Select(v => v.Value).ToListAsync();
        Assert.Equal([98L, 99L], deathHistory);
    }

    [Fact]
    public async Task TheLatestTableHoldsTheNewestVersionOfEveryPublishedCell()
    {
        var publisher = Database.Get<PublishService>();
        await publisher.PublishShiftAsync(await Loop.VerifiedShiftInReviewAsync(Day.AddDays(-1), AkValues, "AK", "AL"), Loop.Lead);
        await publisher.PublishShiftAsync(await Loop.VerifiedShiftInReviewAsync(Day, AkValues, "AK", "AL"), Loop.Lead);
        var corrected = new Dictionary<string, string>(AkValues) { ["positive"] = "22,100", ["recovered"] = "7,000" };
        await publisher.PublishShiftAsync(await Loop.VerifiedShiftInReviewAsync(Day, corrected, "AL"), Loop.OtherLead);

        await using var db = await Database.DbAsync();
        var newest = await db.Database.SqlQueryRaw<CellValue>("""
            SELECT DISTINCT ON ("JurisdictionCode", "DataDate", "MetricKey")
                   "JurisdictionCode", "DataDate", "MetricKey", "Value", "VersionNumber"
            FROM "ValueVersions"
            ORDER BY "JurisdictionCode", "DataDate", "MetricKey", "VersionNumber" DESC
            """).ToListAsync();
        var latest = await db.LatestValues
            .Select(l => new CellValue(l.JurisdictionCode, l.DataDate, l.MetricKey, l.Value, l.VersionNumber))
            .ToListAsync();

        Assert.Equal(13, latest.Count);
        Assert.Equal(newest.OrderBy(c => c.ToString()), latest.OrderBy(c => c.ToString()));
        Assert.Contains(new CellValue("AL", Day, "positive", 22100, 2), latest);
        Assert.Contains(new CellValue("AK", Day, "positive", 22020, 1), latest);
        Assert.Contains(new CellValue("AL", Day, "recovered", 7000, 1), latest);
    }

    public sealed record CellValue(string JurisdictionCode, DateOnly DataDate, string MetricKey, long? Value, int VersionNumber);

    [Fact]
    public async Task AnEntryPublishedWithEveryFieldEmptyIsAReportedDayOfEveryFile()
    {
        var nothing = new Dictionary<string, string>();
        var publisher = Database.Get<PublishService>();

        var result = await publisher.PublishShiftAsync(await Loop.VerifiedShiftInReviewAsync(Day, nothing, "AK", "GU"), Loop.Lead);

        Assert.Equal(0, result.VersionsWritten);
        await using var db = await Database.DbAsync();
        var days = await db.ReportedDays.OrderBy(d => d.JurisdictionCode).ToListAsync();
        var batch = await db.Batches.SingleAsync();
        Assert.Equal([("AK", Day, batch.Id, batch.PublishedAtUtc), ("GU", Day, batch.Id, batch.PublishedAtUtc)],
            days.Select(d => (d.JurisdictionCode, d.DataDate, d.BatchId, (DateTime?)d.PublishedAtUtc)));
        var audited = await db.AuditEvents.Where(e => e.EntityType == "ReportedDays").ToListAsync();
        Assert.Equal(2, audited.Count);
        Assert.All(audited, e => Assert.Equal((AuditAction.Insert, (Guid?)batch.Id), (e.Action, e.BatchId)));

        var rows = Database.Get<PublishedRows>();
        var catalog = await rows.CatalogAsync(CancellationToken.None);
        var states = await rows.DerivedAsync(catalog, null, null, CancellationToken.None).ToListAsync();
        Assert.Equal([("AK", (long?)null), ("GU", 0)], states.Select(r => (r.State, r.Values["totalTestResults"])));
        Assert.All(states, r => Assert.Null(r.Values.GetValueOrDefault("positive")));
        var us = await UsDaily.FromStates(states.ToAsyncEnumerable()).SingleAsync();
        Assert.Equal("\"2020-11-14\",,0,,,0,,,,0,,,,0,2,0,0", UsDaily.Line(us));
    }

    [Fact]
    public async Task ADayPublishedAgainKeepsTheMomentItWasFirstReported()
    {
        var publisher = Database.Get<PublishService>();
        await publisher.PublishShiftAsync(await Loop.VerifiedShiftInReviewAsync(Day, new Dictionary<string, string>(), "AK"), Loop.Lead);
        await using var db = await Database.DbAsync();
        var first = await db.ReportedDays.SingleAsync();

        await publisher.PublishShiftAsync(await Loop.VerifiedShiftInReviewAsync(Day, AkValues, "AK", "AL"), Loop.OtherLead);

        var days = await db.ReportedDays.AsNoTracking().OrderBy(d => d.JurisdictionCode).ToListAsync();
        Assert.Equal(["AK", "AL"], days.Select(d => d.JurisdictionCode));
        Assert.Equal((first.Id, first.BatchId, first.PublishedAtUtc), (days[0].Id, days[0].BatchId, days[0].PublishedAtUtc));
        Assert.NotEqual(first.BatchId, days[1].BatchId);
        Assert.Equal(6, await Loop.VersionCountAsync());
    }

    [Fact]
    public async Task TheDatabaseRefusesToChangeOrDeletePublishedVersions()
    {
        await Database.Get<PublishService>().PublishShiftAsync(await Loop.VerifiedShiftInReviewAsync(Day, AkValues, "AK"), Loop.Lead);
        await using var db = await Database.DbAsync();

        foreach (var sql in (string[])["UPDATE \"ValueVersions\" SET \"Value\" = 0", "DELETE FROM \"ValueVersions\"", "TRUNCATE \"ValueVersions\" CASCADE"])
        {
            var (asApp, asOwner) = await Database.RefusalsAsync(sql);
            Assert.Contains("permission denied", asApp.MessageText, StringComparison.Ordinal);
            Assert.Contains("append-only", asOwner.MessageText, StringComparison.Ordinal);
        }

        Assert.Equal([98L, 125L, 22020L], (await db.ValueVersions.Select(v => v.Value!.Value).ToListAsync()).Order());
    }

    private static async Task<Exception?> Attempt(Func<Task> action)
    {
        try
        {
            await action();
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }
}
