using CovidEntry.App.Data;
using CovidEntry.App.Features.Audit;
using CovidEntry.App.Features.Publish;
using CovidEntry.Domain.Audit;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CovidEntry.Tests.Integration;

/// <summary>
/// Each kind of row changed behind the app's back, as someone with the database's superuser
/// password would (triggers switched off for the session), and audit-verify naming what it found:
/// a version changed, added or removed, the latest table changed, the chain cut short, re-queued
/// and re-linked, an event forged with a plain INSERT or back-dated. An untouched history verifies.
/// </summary>
public class AuditTamperTests : LoopTest
{
    private Guid _published;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();

        // A daily batch, then an import of CTP's sample (earlier dates): both kinds of batch to tamper with.
        var shiftId = await Loop.VerifiedShiftInReviewAsync(Day.AddDays(30), new Dictionary<string, string> { ["positive"] = "22,500", ["death"] = "99" }, "AK", "AL");
        await Database.Get<PublishService>().PublishShiftAsync(shiftId, Loop.Lead);
        await using (var db = await Database.DbAsync())
        {
            _published = (await db.Shifts.SingleAsync(s => s.Id == shiftId)).BatchId;
        }

        await Database.ImportCtpAsync(File.ReadAllText(CtpSample.HistoryFile));
    }

    private DateOnly PublishedDay => Day.AddDays(30);

    [Fact]
    public async Task AnUntouchedHistoryVerifiesWithEveryBatchAndCellCovered()
    {
        var result = await Database.LinkAndVerifyAsync();

        AuditChecks.AssertIntact(result);
        await using var db = await Database.DbAsync();
        Assert.Equal(await db.ValueVersions.CountAsync(), result.Versions);
        Assert.Equal(2, result.Batches);
        Assert.True(result.Anchors > 0, "No head was anchored outside the database.");
        await using var app = TestApp.Build(Database.ConnectionString);
        Assert.Equal(0, await AuditVerifyCommand.RunAsync(app));
    }

    [Fact]
    public async Task AChangedPublishedValueIsNamedWithItsBatchCellAndBothValues()
    {
        AuditChecks.AssertIntact(await Database.LinkAndVerifyAsync());

        await BehindTheAppsBackAsync($"""UPDATE "ValueVersions" SET "Value" = 22600 WHERE "JurisdictionCode" = 'AK' AND "DataDate" = '{PublishedDay:yyyy-MM-dd}' AND "MetricKey" = 'positive'""");

        var result = await Database.Get<AuditVerifier>().VerifyAsync();
        var changed = Assert.Single(result.Findings, f => f.Kind == AuditFindingKind.VersionChanged);
        Assert.Equal(_published, changed.BatchId);
        Assert.Contains($"AK {PublishedDay:yyyy-MM-dd} positive v1", changed.Sentence, StringComparison.Ordinal);
        Assert.Contains("value 22500 → 22600", changed.Sentence, StringComparison.Ordinal);

        // The latest table was left as it was, so it no longer matches its newest version either.
        Assert.Contains(result.Findings, f => f.Kind == AuditFindingKind.LatestDiffers && f.Sentence.Contains($"AK {PublishedDay:yyyy-MM-dd} positive", StringComparison.Ordinal));
        await using var app = TestApp.Build(Database.ConnectionString);
        Assert.Equal(1, await AuditVerifyCommand.RunAsync(app));
    }

    [Fact]
    public async Task AVersionAddedBehindTheAppsBackIsNamed()
    {
        AuditChecks.AssertIntact(await Database.LinkAndVerifyAsync());

        await BehindTheAppsBackAsync($"""
            INSERT INTO "ValueVersions" ("JurisdictionCode", "DataDate", "MetricKey", "Value", "VersionNumber", "BatchId", "PublishedByUserId", "PublishedAtUtc", "LagDays")
            VALUES ('AK', '{PublishedDay:yyyy-MM-dd}', 'recovered', 5, 1, '{_published}', '{Loop.Lead}', now(), 0)
            """);

        var result = await Database.Get<AuditVerifier>().VerifyAsync();
        var added = Assert.Single(result.Findings, f => f.Kind == AuditFindingKind.VersionAdded);
        Assert.Contains($"AK {PublishedDay:yyyy-MM-dd} recovered v1 (5)", added.Sentence, StringComparison.Ordinal);
        Assert.Equal(_published, added.BatchId);
    }

    [Fact]
    public async Task AVersionRemovedBehindTheAppsBackIsNamed()
    {
        AuditChecks.AssertIntact(await Database.LinkAndVerifyAsync());

        await BehindTheAppsBackAsync($"""DELETE FROM "ValueVersions" WHERE "JurisdictionCode" = 'AL' AND "DataDate" = '{PublishedDay:yyyy-MM-dd}' AND "MetricKey" = 'death'""");

        var result = await Database.Get<AuditVerifier>().VerifyAsync();
        var removed = Assert.Single(result.Findings, f => f.Kind == AuditFindingKind.VersionRemoved);
        Assert.Contains($"AL {PublishedDay:yyyy-MM-dd} death v1 (99), written by batch {_published}", removed.Sentence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnImportedValueChangedIsNamedToo()
    {
        AuditChecks.AssertIntact(await Database.LinkAndVerifyAsync());
        await using var db = await Database.DbAsync();
        var imported = await db.ValueVersions.AsNoTracking().Where(v => v.BatchId != _published && v.Value != null).OrderBy(v => v.Id).FirstAsync();

        await BehindTheAppsBackAsync($"""UPDATE "ValueVersions" SET "Value" = "Value" + 1 WHERE "Id" = {imported.Id}""");

        var changed = Assert.Single((await Database.Get<AuditVerifier>().VerifyAsync()).Findings, f => f.Kind == AuditFindingKind.VersionChanged);
        Assert.Equal(imported.BatchId, changed.BatchId);
        Assert.Contains($"{imported.JurisdictionCode} {imported.DataDate:yyyy-MM-dd} {imported.MetricKey} v1", changed.Sentence, StringComparison.Ordinal);
        Assert.Contains($"value {imported.Value} → {imported.Value + 1}", changed.Sentence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheLatestTableChangedBehindTheAppsBackIsNamed()
    {
        AuditChecks.AssertIntact(await Database.LinkAndVerifyAsync());

        // The public files read the latest table: a value changed there would be served with no version and no event.
        await BehindTheAppsBackAsync($"""UPDATE "LatestValues" SET "Value" = 1 WHERE "JurisdictionCode" = 'AK' AND "DataDate" = '{PublishedDay:yyyy-MM-dd}' AND "MetricKey" = 'death'""");

        var differs = Assert.Single((await Database.Get<AuditVerifier>().VerifyAsync()).Findings);
        Assert.Equal(AuditFindingKind.LatestDiffers, differs.Kind);
        Assert.Contains($"AK {PublishedDay:yyyy-MM-dd} death", differs.Sentence, StringComparison.Ordinal);
        Assert.Contains("value 99 → 1", differs.Sentence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheAppsRoleCannotWriteTheLatestTableAtAll()
    {
        foreach (var sql in (string[])[
                     """UPDATE "LatestValues" SET "Value" = 1""",
                     """DELETE FROM "LatestValues" """,
                     $"""INSERT INTO "LatestValues" ("JurisdictionCode", "DataDate", "MetricKey", "Value", "VersionNumber", "BatchId", "PublishedAtUtc") VALUES ('WY', '2020-01-01', 'positive', 1, 1, '{_published}', now())"""])
        {
            await using var connection = new NpgsqlConnection(Database.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }
    }

    [Fact]
    public async Task AReportedDayAddedBehindTheAppsBackIsNamedEvenUnderARealBatch()
    {
        AuditChecks.AssertIntact(await Database.LinkAndVerifyAsync());

        // The app's own role may add days (they are append-only, not read-only): one added under
        // the published batch, at its time, and one under no batch that ever recorded days.
        await BehindTheAppsBackAsync($"""
            INSERT INTO "ReportedDays" ("JurisdictionCode", "DataDate", "BatchId", "PublishedAtUtc")
            SELECT 'GU', '{PublishedDay:yyyy-MM-dd}', "Id", "PublishedAtUtc" FROM "Batches" WHERE "Id" = '{_published}'
            """);

        var result = await Database.Get<AuditVerifier>().VerifyAsync();
        var differs = Assert.Single(result.Findings);
        Assert.Equal((AuditFindingKind.ReportedDayDiffers, (Guid?)_published), (differs.Kind, differs.BatchId));
        Assert.Contains("recorded 2 reported days", differs.Sentence, StringComparison.Ordinal);
        Assert.Contains("holds 3", differs.Sentence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReportedDayRemovedOrBackDatedIsNamed()
    {
        AuditChecks.AssertIntact(await Database.LinkAndVerifyAsync());

        await BehindTheAppsBackAsync($"""
            DELETE FROM "ReportedDays" WHERE "BatchId" = '{_published}' AND "JurisdictionCode" = 'AL';
            UPDATE "ReportedDays" SET "PublishedAtUtc" = "PublishedAtUtc" - interval '1 day' WHERE "BatchId" = '{_published}' AND "JurisdictionCode" = 'AK'
            """);

        var result = await Database.Get<AuditVerifier>().VerifyAsync();
        Assert.All(result.Findings, f => Assert.Equal((AuditFindingKind.ReportedDayDiffers, (Guid?)_published), (f.Kind, f.BatchId)));
        Assert.Contains(result.Findings, f => f.Sentence.Contains("recorded 2 reported days", StringComparison.Ordinal) && f.Sentence.Contains("holds 1", StringComparison.Ordinal));
        Assert.Contains(result.Findings, f => f.Sentence.StartsWith($"AK {PublishedDay:yyyy-MM-dd} (batch {_published}) is recorded as reported at", StringComparison.Ordinal));
        Assert.Equal(2, result.Findings.Count);
    }

    [Fact]
    public async Task AReportedDayUnderABatchThatRecordedNoneIsNamedItself()
    {
        await using (var db = await Database.DbAsync())
        {
            var importBatch = await db.Batches.Where(b => b.Id != _published).Select(b => b.Id).SingleAsync();
            AuditChecks.AssertIntact(await Database.LinkAndVerifyAsync());
            await BehindTheAppsBackAsync($"""
                DELETE FROM "ReportedDays" WHERE "BatchId" = '{importBatch}';
                """);
            var emptied = await Database.Get<AuditVerifier>().VerifyAsync();
            var gone = Assert.Single(emptied.Findings);
            Assert.Equal((AuditFindingKind.ReportedDayDiffers, (Guid?)importBatch), (gone.Kind, gone.BatchId));
            Assert.Contains("holds none of them", gone.Sentence, StringComparison.Ordinal);
        }

        // A day under a batch no sealed event vouches for (a copy of a real one) names the day.
        var forged = Guid.NewGuid();
        await BehindTheAppsBackAsync($"""
            CREATE TEMP TABLE copied AS SELECT * FROM "Batches" WHERE "Id" = '{_published}';
            UPDATE copied SET "Id" = '{forged}';
            INSERT INTO "Batches" SELECT * FROM copied;
            INSERT INTO "ReportedDays" ("JurisdictionCode", "DataDate", "BatchId", "PublishedAtUtc") VALUES ('KS', '2020-01-05', '{forged}', now())
            """);

        var result = await Database.Get<AuditVerifier>().VerifyAsync();
        Assert.Contains(result.Findings, f => f.Kind == AuditFindingKind.ReportedDayDiffers && f.BatchId == forged
            && f.Sentence.StartsWith($"KS 2020-01-05 is recorded as reported by batch {forged}, which recorded no reported days", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EventsRemovedFromTheEndWithTheirLinksAreCaughtByTheAnchoredHead()
    {
        AuditChecks.AssertIntact(await Database.LinkAndVerifyAsync());

        // Cut short: the newest events and their links gone, so the chain that is left is whole.
        await BehindTheAppsBackAsync("""
            WITH tail AS (SELECT "EventId" FROM "AuditChain" ORDER BY "Position" DESC LIMIT 3)
            DELETE FROM "AuditChain" WHERE "EventId" IN (SELECT "EventId" FROM tail);
            DELETE FROM "AuditEvents" e WHERE NOT EXISTS (SELECT 1 FROM "AuditChain" l WHERE l."EventId" = e."Id");
            """);

        var result = await Database.Get<AuditVerifier>().VerifyAsync();
        Assert.DoesNotContain(result.Findings, f => f.Kind == AuditFindingKind.LinkBroken);
        var missing = Assert.Single(result.Findings, f => f.Kind == AuditFindingKind.AnchorMissing);
        Assert.Contains("removed from its end", missing.Sentence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEventEditedAndTheChainAfterItRequeuedAndRelinkedIsCaught()
    {
        AuditChecks.AssertIntact(await Database.LinkAndVerifyAsync());
        long edited;
        await using (var db = Database.BehindTheAppsBack())
        {
            edited = await db.AuditChain.OrderByDescending(l => l.Position).Skip(5).Select(l => l.EventId).FirstAsync();
        }

        // Change an event, drop its link and every later one, and queue them again: the running app
        // links them anew, with its key, as it links anything queued.
        await BehindTheAppsBackAsync($"""
            UPDATE "AuditEvents" SET "UserName" = 'someone else' WHERE "Id" = {edited};
            WITH later AS (SELECT "EventId" FROM "AuditChain" WHERE "Position" >= (SELECT "Position" FROM "AuditChain" WHERE "EventId" = {edited}))
            INSERT INTO "AuditPending" SELECT "EventId" FROM later;
            DELETE FROM "AuditChain" WHERE "Position" >= (SELECT "Position" FROM "AuditChain" WHERE "EventId" = {edited});
            """);
        await Database.Get<AuditChainer>().CatchUpAsync(wait: true);

        var result = await Database.Get<AuditVerifier>().VerifyAsync();
        Assert.DoesNotContain(result.Findings, f => f.Kind == AuditFindingKind.LinkBroken);
        Assert.Contains(result.Findings, f => f.Kind == AuditFindingKind.NotSealedByTheApp && f.EventId == edited);
        Assert.Contains(result.Findings, f => f.Kind == AuditFindingKind.AnchorMissing && f.Sentence.Contains("linked again", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnEventForgedWithAPlainInsertIsNamedEvenOnceTheAppLinkedIt()
    {
        AuditChecks.AssertIntact(await Database.LinkAndVerifyAsync());

        // Someone with the app's own database password, but not its key file.
        await using (var connection = new NpgsqlConnection(Database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var forge = new NpgsqlCommand("""
                INSERT INTO "AuditEvents" ("OccurredAtUtc", "UserId", "UserName", "Action", "EntityType", "EntityKey", "Changes")
                VALUES (now(), NULL, 'admin@covidentry.local', 'Insert', 'ValueVersions', '1', '[]') RETURNING "Id"
                """, connection);
            var id = (long)(await forge.ExecuteScalarAsync())!;
            await Database.Get<AuditChainer>().CatchUpAsync(wait: true);

            var result = await Database.Get<AuditVerifier>().VerifyAsync();
            var forged = Assert.Single(result.Findings);
            Assert.Equal((AuditFindingKind.NotSealedByTheApp, id), (forged.Kind, forged.EventId));
        }
    }

    [Fact]
    public async Task ABackDatedEventIsOutOfOrder()
    {
        AuditChecks.AssertIntact(await Database.LinkAndVerifyAsync());

        // A plain INSERT with the app's database password, dated three days back; the app links it as it links anything queued.
        await using (var connection = new NpgsqlConnection(Database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand("""
                INSERT INTO "AuditEvents" ("OccurredAtUtc", "UserId", "UserName", "Action", "EntityType", "EntityKey", "Changes")
                VALUES (now() - interval '3 days', NULL, 'lena@example.org', 'Update', 'Batches', 'x', '[]')
                """, connection);
            await insert.ExecuteNonQueryAsync();
        }

        await Database.Get<AuditChainer>().CatchUpAsync(wait: true);

        var result = await Database.Get<AuditVerifier>().VerifyAsync();
        Assert.Contains(result.Findings, f => f.Kind == AuditFindingKind.OutOfOrder);
        Assert.Contains(result.Findings, f => f.Kind == AuditFindingKind.NotSealedByTheApp);
    }

    [Fact]
    public async Task AnotherRoleCannotInsertIntoTheAuditTrail()
    {
        // A reporting account a DBA might add: it may read, and the database refuses it any write.
        var role = $"reader_{Guid.NewGuid():N}"[..20];
        await using (var super = new NpgsqlConnection(TestCluster.AsRole(Database.ConnectionString, DatabaseRole.Super)))
        {
            await super.OpenAsync();
            await using var create = new NpgsqlCommand(
                $"CREATE ROLE {role} LOGIN PASSWORD 'reader password'; GRANT CONNECT ON DATABASE \"{new NpgsqlConnectionStringBuilder(Database.ConnectionString).Database}\" TO {role}; GRANT USAGE ON SCHEMA public TO {role}; GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role};",
                super);
            await create.ExecuteNonQueryAsync();
        }

        await using var reader = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Database.ConnectionString) { Username = role, Password = "reader password" }.ConnectionString);
        await reader.OpenAsync();
        foreach (var sql in (string[])[
                     """INSERT INTO "AuditEvents" ("OccurredAtUtc", "Action", "EntityType", "Changes") VALUES (now(), 'Insert', 'x', '[]')""",
                     """INSERT INTO "AuditChain" ("EventId", "Hash", "KeyId") VALUES (1, repeat('0', 64), repeat('0', 16))""",
                     """INSERT INTO "AuditPending" VALUES (1)"""])
        {
            await using var command = new NpgsqlCommand(sql, reader);
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, (await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync())).SqlState);
        }
    }

    /// <summary>Runs <paramref name="sql"/> as the superuser with every trigger switched off for the session.</summary>
    private async Task BehindTheAppsBackAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestCluster.AsRole(Database.ConnectionString, DatabaseRole.Super));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SET session_replication_role = replica; {sql}; SET session_replication_role = DEFAULT;", connection);
        await command.ExecuteNonQueryAsync();
    }
}
