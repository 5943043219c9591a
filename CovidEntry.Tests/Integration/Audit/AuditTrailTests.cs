using System.Globalization;
using System.Text.Json;
using CovidEntry.App.Data;
using CovidEntry.App.Features.Audit;
using CovidEntry.App.Features.Jurisdictions;
using CovidEntry.App.Features.Publish;
using CovidEntry.App.Features.Reconcile;
using CovidEntry.App.Features.Screenshots;
using CovidEntry.App.Features.Shifts;
using CovidEntry.App.Features.Snapshots;
using CovidEntry.Domain.Audit;
using CovidEntry.Domain.Entries;
using CovidEntry.Domain.People;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CovidEntry.Tests.Integration;

/// <summary>
/// The audit trail: every write on record with before and after, append-only, linked onto a hash
/// chain once committed, verifiable; no writer waits for another because of it.
/// </summary>
public class AuditTrailTests : LoopTest
{
    private async Task<List<AuditEvent>> EventsAsync(Func<IQueryable<AuditEvent>, IQueryable<AuditEvent>>? filter = null)
    {
        await using var db = await Database.DbAsync();
        return await (filter ?? (q => q))(db.AuditEvents.AsNoTracking()).OrderBy(e => e.Id).ToListAsync();
    }

    private static string? After(AuditEvent e, string field) => e.Changes.SingleOrDefault(c => c.Field == field)?.After;

    private static string? Before(AuditEvent e, string field) => e.Changes.SingleOrDefault(c => c.Field == field)?.Before;

    [Fact]
    public async Task EveryWriteOfTheCoreLoopIsOnRecordWithWhoWhenAndBeforeAndAfter()
    {
        var shiftId = await Loop.OpenShiftAsync(Day, "NY");
        var entryId = await Loop.EntryIdAsync(shiftId, "NY");
        await Database.Get<CovidEntry.App.Features.Entries.DraftService>().SaveAsync(entryId, 1, Loop.Vera,
            new DraftContent(new Dictionary<string, string> { ["positive"] = "10" }, null, null, null, "positive"), 0);
        await Loop.SubmitAsync(entryId, 1, Loop.Vera, new Dictionary<string, string> { ["positive"] = "100" });
        using (AuditContext.Begin(new AuditActor(Loop.Cole, "cole@example.org", "circuit:test")))
        {
            await Loop.SubmitAsync(entryId, 2, Loop.Cole, new Dictionary<string, string> { ["positive"] = "110" });
        }

        using (AuditContext.Begin(new AuditActor(Loop.Lead, "lena@example.org", "circuit:lead")))
        {
            await Database.Get<ReconcileService>().ReconcileAsync(entryId, "positive",
                new ReconcileForm { Choice = ResolutionSource.SecondPass, Reason = "Pass 2 read the newer page" }, Loop.Lead);
        }

        await Database.Get<ShiftService>().BeginReviewAsync(shiftId, Loop.Lead);
        await Loop.ApproveAllAsync(shiftId);
        await Database.Get<PublishService>().PublishShiftAsync(shiftId, Loop.Lead);

        var events = await EventsAsync();
        var pass2 = events.Single(e => e.EntityType == "Passes" && e.Action == AuditAction.Insert && After(e, "Number") == "2");
        Assert.Equal((Loop.Cole, "cole@example.org", "circuit:test"), (pass2.UserId, pass2.UserName, pass2.CorrelationId));
        var shiftBatch = (await Database.Get<ShiftService>().GetAsync(shiftId))!.BatchId;
        Assert.Equal(shiftBatch, pass2.BatchId);
        var value = events.Single(e => e.EntityType == "PassValues" && e.Action == AuditAction.Insert && After(e, "Value") == "110");
        Assert.Equal(shiftBatch, value.BatchId);

        var resolved = events.Single(e => e.EntityType == "ResolvedValues" && After(e, "Source") == "SecondPass");
        Assert.Equal("Pass 2 read the newer page", resolved.Reason);
        Assert.Equal(Loop.Lead, resolved.UserId);

        var entryUpdates = events.Where(e => e.EntityType == "Entries" && e.Action == AuditAction.Update && e.EntityKey == entryId.ToString()).ToList();
        Assert.Contains(entryUpdates, e => Before(e, "Status") == "Mismatch" && After(e, "Status") == "Verified");
        Assert.Contains(events, e => e.EntityType == "Batches" && e.Action == AuditAction.Update && After(e, "Status") == "Published");
        Assert.Contains(events, e => e.EntityType == "ValueVersions" && e.Action == AuditAction.Insert && After(e, "Value") == "110" && e.EntityKey != "0");
        Assert.Contains(events, e => e.EntityType == "LatestValues" && e.Action == AuditAction.Insert && After(e, "Value") == "110");

        // The submitted pass's draft went by a bulk delete, which is on record too.
        Assert.Contains(events, e => e.EntityType == "PassDrafts" && e.Action == AuditAction.Delete);
        AuditChecks.AssertIntact(await Database.LinkAndVerifyAsync());
    }

    [Fact]
    public async Task APublishRecordsEveryVersionAndEveryLatestValueItWroteAsStored()
    {
        var publisher = Database.Get<PublishService>();
        await publisher.PublishShiftAsync(await Loop.VerifiedShiftInReviewAsync(Day, new Dictionary<string, string> { ["positive"] = "100", ["death"] = "7" }, "NY"), Loop.Lead);
        var corrected = await Loop.VerifiedShiftInReviewAsync(Day, new Dictionary<string, string> { ["positive"] = "120", ["death"] = "7", ["recovered"] = "3" }, "NY");
        using (AuditContext.Begin(new AuditActor(Loop.OtherLead, "otto@example.org", "circuit:publish")))
        {
            await publisher.PublishShiftAsync(corrected, Loop.OtherLead);
        }

        await using var db = await Database.DbAsync();
        var versions = await db.ValueVersions.AsNoTracking().OrderBy(v => v.Id).ToListAsync();
        var events = await EventsAsync(q => q.Where(e => e.EntityType == "ValueVersions" || e.EntityType == "LatestValues"));
        Assert.Equal(versions.Count, events.Count(e => e.EntityType == "ValueVersions"));
        foreach (var version in versions)
        {
            var inserted = Assert.Single(events, e => e.EntityType == "ValueVersions" && e.EntityKey == version.Id.ToString(CultureInfo.InvariantCulture));
            Assert.Equal(AuditAction.Insert, inserted.Action);
            Assert.Equal(version.BatchId, inserted.BatchId);
            Assert.Equal(
                [version.Id.ToString(CultureInfo.InvariantCulture), version.JurisdictionCode, version.MetricKey, version.Value?.ToString(CultureInfo.InvariantCulture),
                    version.VersionNumber.ToString(CultureInfo.InvariantCulture), version.PublishedByUserId, version.LagDays.ToString(CultureInfo.InvariantCulture)],
                new[] { "Id", "JurisdictionCode", "MetricKey", "Value", "VersionNumber", "PublishedByUserId", "LagDays" }.Select(f => After(inserted, f)));
            Assert.All(inserted.Changes, c => Assert.Null(c.Before));
        }

        // The second publish moved positive (v2) and added recovered (v1); death was unchanged and is not touched.
        var second = events.Where(e => e.UserName == "otto@example.org").ToList();
        Assert.All(second, e => Assert.Equal((Loop.OtherLead, "circuit:publish"), (e.UserId, e.CorrelationId)));
        var positive = Assert.Single(second, e => e.EntityType == "LatestValues" && e.EntityKey!.EndsWith("|positive", StringComparison.Ordinal));
        Assert.Equal(AuditAction.Update, positive.Action);
        Assert.Equal(("100", "120"), (Before(positive, "Value"), After(positive, "Value")));
        Assert.Equal(("1", "2"), (Before(positive, "VersionNumber"), After(positive, "VersionNumber")));
        Assert.DoesNotContain(positive.Changes, c => c.Field is "JurisdictionCode" or "MetricKey" or "DataDate");
        var recovered = Assert.Single(second, e => e.EntityType == "LatestValues" && e.EntityKey!.EndsWith("|recovered", StringComparison.Ordinal));
        Assert.Equal((AuditAction.Insert, "3"), (recovered.Action, After(recovered, "Value")));
        Assert.DoesNotContain(second, e => e.EntityKey!.EndsWith("|death", StringComparison.Ordinal));
        var latest = await db.LatestValues.AsNoTracking().SingleAsync(l => l.JurisdictionCode == "NY" && l.MetricKey == "positive");
        Assert.Equal(latest.BatchId, positive.BatchId);
        AuditChecks.AssertIntact(await Database.LinkAndVerifyAsync());
    }

    [Fact]
    public async Task IdentityChangesAreOnRecordWithoutTheirSecrets()
    {
        using var scope = Database.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var vera = (await users.FindByIdAsync(Loop.Vera))!;
        await users.AddToRoleAsync(vera, Roles.ShiftLead);
        await users.ChangePasswordAsync(vera, "correct horse battery staple", "another long passphrase here");
        await users.AccessFailedAsync(vera);
        await users.ResetAuthenticatorKeyAsync(vera);
        var authenticatorKey = (await users.GetAuthenticatorKeyAsync(vera))!;

        var events = await EventsAsync(q => q.Where(e => e.EntityType.StartsWith("AspNet")));
        var grant = events.Last(e => e.EntityType == "AspNetUserRoles" && e.Action == AuditAction.Insert && After(e, "UserId") == Loop.Vera);
        Assert.NotNull(After(grant, "RoleId"));
        var password = events.Last(e => e.EntityType == "AspNetUsers" && e.Changes.Any(c => c.Field == "PasswordHash"));
        Assert.Equal(("(secret)", "(secret)"), (Before(password, "PasswordHash"), After(password, "PasswordHash")));
        Assert.Contains(events, e => e.EntityType == "AspNetUsers" && e.Changes.Any(c => c.Field == "AccessFailedCount" && c.After == "1"));

        // A token's value (here the authenticator key) is secret in that table only.
        var token = events.Last(e => e.EntityType == "AspNetUserTokens" && After(e, "UserId") == Loop.Vera);
        Assert.Equal("(secret)", After(token, "Value"));
        Assert.Equal("AuthenticatorKey", After(token, "Name"));
        await using var db = await Database.DbAsync();
        var everything = await db.Database.SqlQuery<string>($"""SELECT "Changes"::text AS "Value" FROM "AuditEvents" """).ToListAsync();
        Assert.DoesNotContain(everything, json => json.Contains(vera.PasswordHash!, StringComparison.Ordinal));
        Assert.DoesNotContain(everything, json => json.Contains(authenticatorKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task EveryKindOfRecordTheAppWritesProducesEvents()
    {
        // The core loop, an edit, a muted warning, a schedule, a screenshot, a capture request.
        var shiftId = await Loop.VerifiedShiftInReviewAsync(Day, new Dictionary<string, string> { ["positive"] = "5" }, "NY");
        await Database.Get<PublishService>().PublishShiftAsync(shiftId, Loop.Lead);
        await Database.Get<JurisdictionService>().ScheduleAsync("NY", new TimeOnly(17, 0), Loop.Admin);
        await Database.Get<CovidEntry.App.Features.Quality.MutedWarningService>().AddAsync(new CovidEntry.App.Features.Quality.MutedWarningForm
        {
            JurisdictionCode = "NY", MetricKey = "positive", Rule = CovidEntry.Domain.Quality.QcRule.Spike,
            UntilDate = new DateTime(2030, 1, 1), Reason = "Backlog dump expected",
        }, Loop.Lead);
        var sourceId = await Database.Get<SourceService>().AddAsync("NY", new SourceForm { Label = "Extra", Url = "https://example.org/ny" }, Loop.Admin);
        var uploaded = await Database.Get<ScreenshotService>().UploadAsync("NY", sourceId, ImageCorpus.ScreenshotPng(), CovidEntry.Domain.Screenshots.ScreenshotOrigin.Upload, Loop.Vera);
        await Database.Get<ScreenshotService>().ApproveAsync(uploaded.Id, Loop.Lead);
        await Database.Get<ScreenshotService>().RequestCaptureAsync("NY", sourceId, Loop.Vera);
        await Database.Get<SnapshotService>().MakeAsync(SnapshotService.OnDemand, Loop.Admin);

        await using var db = await Database.DbAsync();
        var recorded = (await db.AuditEvents.Select(e => e.EntityType).Distinct().ToListAsync()).ToHashSet();
        var notWrittenHere = new HashSet<string>
        {
            // Written by features these steps do not use (each is covered where it is used):
            "AspNetRoleClaims", "AspNetUserClaims", "AspNetUserLogins", "AspNetUserTokens", "AspNetUserPasskeys",
            "EditedCells", "ReturnedPasses", "WebhookMessages", "PassWarnings", "DataProtectionKeys",

            // Drafts: the core-loop test above writes and deletes one.
            "PassDrafts",

            // Mechanism, written with SQL, never row by row on the trail: each sign-in, failed
            // attempt and sign-out they stand for is an Account event of its own (SignInTests).
            "SignInSessions", "SignInFailures",

            // Derived, not data: the public files made from the published history (itself on the
            // trail), replaced whole by each generation (docs/decisions/032).
            "PublicFileBlobs", "PublicFileGenerations",
        };
        var tables = db.Model.GetEntityTypes().Select(t => t.GetTableName()).OfType<string>().Distinct().Where(t => t is not "AuditEvents" and not "AuditChain").ToList();
        var missing = tables.Where(t => !recorded.Contains(t) && !notWrittenHere.Contains(t)).ToList();
        Assert.True(missing.Count == 0, $"No audit event for: {string.Join(", ", missing)}");
        Assert.Contains(AuditKinds.SnapshotRun, recorded);
    }

    [Fact]
    public async Task TheDatabaseRefusesToChangeRemoveOrEmptyTheTrailOrItsChain()
    {
        await Loop.OpenShiftAsync(Day, "NY");
        await Database.Get<AuditChainer>().CatchUpAsync(wait: true);
        foreach (var sql in new[]
                 {
                     "UPDATE \"AuditEvents\" SET \"UserName\" = 'someone else'",
                     "DELETE FROM \"AuditEvents\" WHERE \"Id\" = (SELECT max(\"Id\") FROM \"AuditEvents\")",
                     "TRUNCATE \"AuditEvents\" CASCADE",
                     "UPDATE \"AuditChain\" SET \"Hash\" = repeat('0', 64)",
                     "DELETE FROM \"AuditChain\" WHERE \"Position\" = (SELECT max(\"Position\") FROM \"AuditChain\")",
                     "TRUNCATE \"AuditChain\" CASCADE",
                 })
        {
            var (asApp, asOwner) = await Database.RefusalsAsync(sql);
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, asApp.SqlState);
            Assert.Contains("permission denied", asApp.MessageText, StringComparison.Ordinal);
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, asOwner.SqlState);
            Assert.Contains("append-only", asOwner.MessageText, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AuditVerifyNamesTheFirstEventASuperuserChanged()
    {
        var shiftId = await Loop.OpenShiftAsync(Day, "NY", "CA");
        await Loop.SubmitAsync(await Loop.EntryIdAsync(shiftId, "CA"), 1, Loop.Vera, new Dictionary<string, string> { ["positive"] = "7" });
        AuditChecks.AssertIntact(await Database.LinkAndVerifyAsync());
        await using var app = TestApp.Build(Database.ConnectionString);
        Assert.Equal(0, await AuditVerifyCommand.RunAsync(app));

        long tampered;
        await using (var db = Database.BehindTheAppsBack())
        {
            tampered = (await db.AuditEvents.Where(e => e.EntityType == "PassValues").ToListAsync())
                .First(e => e.Changes.Any(c => c.Field == "Value" && c.After == "7")).Id;

            // What a superuser could do behind the app's back: switch the guard off and rewrite history.
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE \"AuditEvents\" DISABLE TRIGGER \"AuditEvents_append_only\"");
            await db.Database.ExecuteSqlAsync(
                $"UPDATE \"AuditEvents\" SET \"Changes\" = replace(\"Changes\"::text, '\"7\"', '\"70\"')::jsonb WHERE \"Id\" = {tampered}");
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE \"AuditEvents\" ENABLE TRIGGER \"AuditEvents_append_only\"");
        }

        var result = await Database.Get<AuditVerifier>().VerifyAsync();

        var broken = Assert.Single(result.Findings, f => f.Kind == AuditFindingKind.LinkBroken);
        Assert.Equal(tampered, broken.EventId);
        Assert.Contains($"event {tampered}", broken.Sentence, StringComparison.Ordinal);
        Assert.Contains(result.Findings, f => f.Kind == AuditFindingKind.NotSealedByTheApp && f.EventId == tampered);
        Assert.Equal(1, await AuditVerifyCommand.RunAsync(app));
    }

    [Fact]
    public async Task ARemovedEventBreaksTheChainAtTheOneAfterIt()
    {
        await Loop.OpenShiftAsync(Day, "NY");
        AuditChecks.AssertIntact(await Database.LinkAndVerifyAsync());
        await using var db = Database.BehindTheAppsBack();
        var ids = await db.AuditChain.OrderBy(l => l.Position).Select(l => l.EventId).ToListAsync();
        var removed = ids[ids.Count / 2];

        // What a superuser could do: switch off every trigger and foreign key for the session, and delete.
        await db.Database.ExecuteSqlAsync(
            $"SET session_replication_role = replica; DELETE FROM \"AuditEvents\" WHERE \"Id\" = {removed}; SET session_replication_role = DEFAULT");

        var result = await Database.Get<AuditVerifier>().VerifyAsync();

        Assert.Equal(ids[ids.IndexOf(removed) + 1], Assert.Single(result.Findings, f => f.Kind == AuditFindingKind.LinkBroken).EventId);
    }

    [Fact]
    public async Task WritersAtTheSameMomentLeaveOneUnbrokenChain()
    {
        var shiftId = await Loop.OpenShiftAsync(Day, "NY", "CA", "TX", "FL", "WA", "OR");
        var entries = (await Database.Get<ShiftService>().GetAsync(shiftId))!.Entries;

        await Task.WhenAll(entries.Select(e => Task.Run(() =>
            Loop.SubmitAsync(e.EntryId, 1, Loop.Vera, new Dictionary<string, string> { ["positive"] = "1", ["death"] = "2" }))));

        AuditChecks.AssertIntact(await Database.LinkAndVerifyAsync());
        Assert.Equal(6, (await EventsAsync(q => q.Where(e => e.EntityType == "Passes"))).Count);
    }

    [Fact]
    public async Task ALeadSeesTheEventsOfTheShiftsTheyLeadAndAnAdminSeesAll()
    {
        var mine = await Loop.OpenShiftAsync(Day, "NY");
        await Loop.SubmitAsync(await Loop.EntryIdAsync(mine, "NY"), 1, Loop.Vera, new Dictionary<string, string> { ["positive"] = "3" });
        var others = await Database.Get<ShiftService>().OpenAsync(new NewShiftForm
        {
            Label = "other lead's shift", DataDate = Day.AddDays(1).ToDateTime(TimeOnly.MinValue), Jurisdictions = ["CA"],
        }, Loop.OtherLead);
        var queries = Database.Get<AuditQueries>();

        var leads = await queries.PageAsync(new AuditFilter(), Loop.Lead, null);
        var all = await queries.PageAsync(new AuditFilter(), Loop.Admin, null, 500);

        var myBatch = (await Database.Get<ShiftService>().GetAsync(mine))!.BatchId;
        var theirBatch = (await Database.Get<ShiftService>().GetAsync(others))!.BatchId;
        Assert.NotEmpty(leads);
        Assert.All(leads, e => Assert.Equal(myBatch, e.BatchId));
        Assert.Contains(all, e => e.BatchId == theirBatch);
        var history = await queries.PageAsync(new AuditFilter { EntityType = "Shifts", EntityKey = mine.ToString() }, Loop.Admin, null);
        Assert.Equal(AuditAction.Insert, history[^1].Action);
        Assert.All(history, e => Assert.Equal(mine.ToString(), e.EntityKey));

        var older = await queries.PageAsync(new AuditFilter(), Loop.Admin, all[1].Id, 1);
        Assert.Equal(all[2].Id, older.Single().Id);
    }

    [Fact]
    public async Task ASnapshotManifestPublishesTheChainHeadOfItsTime()
    {
        var shiftId = await Loop.VerifiedShiftInReviewAsync(Day, new Dictionary<string, string> { ["positive"] = "5" }, "NY");
        await Database.Get<PublishService>().PublishShiftAsync(shiftId, Loop.Lead);
        long headBefore;
        string hashBefore;
        await using (var db = await Database.DbAsync())
        {
            (var id, hashBefore) = await Database.Get<AuditChainer>().HeadAsync();
            headBefore = id!.Value;
        }

        var outcome = await Database.Get<SnapshotService>().MakeAsync(SnapshotService.OnDemand, Loop.Admin);
        var manifest = await Database.Get<SnapshotQueries>().ManifestAsync(outcome.SnapshotId!.Value);

        using var json = JsonDocument.Parse(manifest!);
        var head = json.RootElement.GetProperty("audit_chain_head");
        Assert.Equal(headBefore, head.GetProperty("event").GetInt64());
        Assert.Equal(hashBefore, head.GetProperty("sha256").GetString());
        Assert.Contains(await EventsAsync(q => q.Where(e => e.Action == AuditAction.SnapshotRun)), e => e.EntityKey == outcome.SnapshotId.ToString());
    }

    [Fact]
    public async Task AnOpenTransactionHoldsUpNoOtherWriterAndItsEventsJoinTheChainWhenItCommits()
    {
        await using var slow = await Database.DbAsync();
        await using var slowTransaction = await slow.Database.BeginTransactionAsync();
        await AuditLog.RecordAsync(slow, AuditAction.Download, AuditKinds.Download, "written first, committed last");

        // Writers used to take one chain lock until they committed: this one would wait for the open transaction.
        await using (var quick = await Database.DbAsync())
        {
            await AuditLog.RecordAsync(quick, AuditAction.Download, AuditKinds.Download, "written second, committed first")
                .WaitAsync(TimeSpan.FromSeconds(20));
        }

        var chainer = Database.Get<AuditChainer>();
        await chainer.CatchUpAsync(wait: true);
        Assert.Null(await PositionOfAsync("written first, committed last"));
        var second = await PositionOfAsync("written second, committed first");
        Assert.NotNull(second);

        await slowTransaction.CommitAsync();
        await chainer.CatchUpAsync(wait: true);

        // Linked in the order they committed, whatever order their ids say.
        Assert.True(await PositionOfAsync("written first, committed last") > second);
        var verification = await Database.Get<AuditVerifier>().VerifyAsync();
        AuditChecks.AssertIntact(verification);
        Assert.Equal(0, verification.Waiting);
    }

    [Fact]
    public async Task ARolledBackWriteLeavesNoEventAndNothingToLink()
    {
        await using (var db = await Database.DbAsync())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await AuditLog.RecordAsync(db, AuditAction.Download, AuditKinds.Download, "rolled back");
            await transaction.RollbackAsync();
        }

        await Database.Get<AuditChainer>().CatchUpAsync(wait: true);
        Assert.Empty(await EventsAsync(q => q.Where(e => e.EntityKey == "rolled back")));
        AuditChecks.AssertIntact(await Database.LinkAndVerifyAsync());
    }

    [Fact]
    public async Task ABlockingSaveIsOnRecordAndAFailedOneLeavesNeitherRowNorEvent()
    {
        // The publish saves with blocking calls on a thread of its own; the interceptor's blocking path must hold as the async one does.
        var now = DateTime.UtcNow;
        await using (var db = await Database.DbAsync())
        {
            db.WebhookMessages.Add(new CovidEntry.App.Features.Alerts.WebhookMessage("test", "saved", "blocking-1", now));
            db.SaveChanges();

            db.WebhookMessages.Add(new CovidEntry.App.Features.Alerts.WebhookMessage("test", "refused", "blocking-1", now));
            var refused = Assert.Throws<DbUpdateException>(() => db.SaveChanges());
            Assert.Equal(PostgresErrorCodes.UniqueViolation, Assert.IsType<PostgresException>(refused.InnerException).SqlState);
            Assert.Null(db.Database.CurrentTransaction);
        }

        await using (var db = await Database.DbAsync())
        {
            Assert.Equal(["saved"], await db.WebhookMessages.Select(m => m.Text).ToListAsync());
        }

        var events = await EventsAsync(q => q.Where(e => e.EntityType == "WebhookMessages"));
        var saved = Assert.Single(events);
        Assert.Equal((AuditAction.Insert, "saved"), (saved.Action, After(saved, "Text")));
        await Database.Get<AuditChainer>().CatchUpAsync(wait: true);
        AuditChecks.AssertIntact(await Database.LinkAndVerifyAsync());
    }

    [Fact]
    public async Task AnEventTakenOffTheQueueBehindTheAppsBackIsReported()
    {
        await Loop.OpenShiftAsync(Day, "NY");
        await using var db = await Database.DbAsync();
        await AuditLog.RecordAsync(db, AuditAction.Download, AuditKinds.Download, "never linked");
        var id = (await EventsAsync(q => q.Where(e => e.EntityKey == "never linked"))).Single().Id;
        await db.Database.ExecuteSqlAsync($"DELETE FROM \"AuditPending\" WHERE \"EventId\" = {id}");

        var result = await Database.Get<AuditVerifier>().VerifyAsync();

        var unlinked = Assert.Single(result.Findings);
        Assert.Equal((id, AuditFindingKind.Unlinked), (unlinked.EventId, unlinked.Kind));
        Assert.Contains($"Audit event {id}", unlinked.Sentence, StringComparison.Ordinal);
        await using var app = TestApp.Build(Database.ConnectionString);
        Assert.Equal(1, await AuditVerifyCommand.RunAsync(app));
    }

    [Fact]
    public async Task TheRunningAppLinksEachCommittedEventWithinMoments()
    {
        await using var app = await InProcessApp.StartAsync(Database.ConnectionString);
        await using (var db = await Database.DbAsync())
        {
            await AuditLog.RecordAsync(db, AuditAction.Download, AuditKinds.Download, "linked by the running app");
        }

        // Nobody here asks for it: the app's linker hears the commit and links the event.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (await PositionOfAsync("linked by the running app") is null)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(20), "The running app did not link a committed event within 20 s.");
            await Task.Delay(100);
        }
    }

    private async Task<long?> PositionOfAsync(string entityKey)
    {
        await using var db = await Database.DbAsync();
        return await (from link in db.AuditChain
                      join e in db.AuditEvents on link.EventId equals e.Id
                      where e.EntityKey == entityKey
                      select (long?)link.Position).SingleOrDefaultAsync();
    }
}
