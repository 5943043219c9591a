using CovidEntry.App.Features.Admin;
using CovidEntry.App.Features.Audit;
using CovidEntry.App.Features.Edits;
using CovidEntry.App.Features.Entries;
using CovidEntry.App.Features.Imports;
using CovidEntry.App.Features.Jurisdictions;
using CovidEntry.App.Features.Publish;
using CovidEntry.App.Features.Quality;
using CovidEntry.App.Features.Reconcile;
using CovidEntry.App.Features.Screenshots;
using CovidEntry.App.Features.Review;
using CovidEntry.App.Features.Shifts;
using CovidEntry.App.Features.Snapshots;
using CovidEntry.Domain;
using CovidEntry.Domain.Entries;
using CovidEntry.Domain.People;
using CovidEntry.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.Tests.Integration;

/// <summary>
/// A role taken away, or an account disabled, stops the person's very next action in every service
/// that acts for a role, whatever their open page still shows: each service reads the person's roles
/// from the database as it acts. Nothing is written by a refused action (every write would leave an
/// audit event, and none appears).
/// </summary>
public sealed class ActingPersonTests : LoopTest
{
    private const string NoLongerALead = "Only shift leads and admins can do this, and your roles have changed, so it was not done.";
    private const string NoLongerAnAdmin = "Only admins can do this, and your roles have changed, so it was not done.";
    private const string Disabled = "Your account has been disabled, so this was not done.";

    [Fact]
    public async Task ALeadWhoseRoleWasTakenAwayCanDoNoLeadWorkFromThePageTheyHaveOpen()
    {
        // What a lead had going when an admin took the role away.
        var open = await Loop.OpenShiftAsync(Day, "AK", "AL");
        var ak = await Loop.EntryIdAsync(open, "AK");
        await Loop.SubmitAsync(ak, 1, Loop.Vera, new Dictionary<string, string> { ["positive"] = "5" });
        await Loop.SubmitAsync(ak, 2, Loop.Cole, new Dictionary<string, string> { ["positive"] = "6" });
        var inReview = await Loop.OpenShiftAsync(Day.AddDays(1), "NY");
        await Loop.VerifyAllAsync(inReview, new Dictionary<string, string> { ["positive"] = "9" });
        await Loop.BeginReviewAsync(inReview);
        var ny = await Loop.EntryIdAsync(inReview, "NY");
        var edit = await Database.Get<EditService>().OpenAsync(new NewEditForm
        {
            JurisdictionCode = "WY", From = new DateTime(2020, 11, 1), To = new DateTime(2020, 11, 2), Note = "Wyoming revised its counts",
        }, Loop.Lead);
        var mute = await Database.Get<MutedWarningService>().AddAsync(MutedWarning("Expected backlog"), Loop.Lead);
        var unassigned = await Database.Get<ShiftService>().OpenAsync(
            new NewShiftForm { Label = "unassigned", DataDate = Day.AddDays(2).ToDateTime(TimeOnly.MinValue), Jurisdictions = ["WY"] }, Loop.Lead);
        var source = await Database.Get<SourceService>().AddAsync("AK", new SourceForm { Label = "Extra", Url = "https://example.org/ak" }, Loop.Admin);
        var upload = await Database.Get<ScreenshotService>().UploadAsync("AK", source, ImageCorpus.ScreenshotPng(), CovidEntry.Domain.Screenshots.ScreenshotOrigin.Upload, Loop.Vera);

        await Database.Get<UserAdminService>().SetRolesAsync(Loop.Lead, [Roles.Volunteer], Loop.Admin);
        var before = await AuditEventCountAsync();

        var lead = Loop.Lead;
        await RefusedAsync(NoLongerALead,
            () => Database.Get<ShiftService>().OpenAsync(new NewShiftForm { Label = "late", DataDate = Day.AddDays(5).ToDateTime(TimeOnly.MinValue), Jurisdictions = ["CA"] }, lead),
            () => Database.Get<ShiftService>().WriteHandoffAsync(open, "a note", lead),
            () => Database.Get<ShiftService>().AssignAsync(open, ak, 1, Loop.Cole, lead),
            () => Database.Get<ShiftService>().BeginReviewAsync(open, lead),
            () => Database.Get<ShiftService>().ReopenAsync(inReview, lead),
            () => Database.Get<ShiftService>().CloseAsync(inReview, lead),
            () => Database.Get<ReconcileService>().ReconcileAsync(ak, "positive", new ReconcileForm { Choice = ResolutionSource.FirstPass, Reason = "pass 1 read the newer page" }, lead),
            () => Database.Get<ReviewService>().ApproveAsync(inReview, ny, lead),
            () => Database.Get<ReviewService>().ApproveAllWithoutWarningsAsync(inReview, lead),
            () => Database.Get<ReviewService>().SendBackAsync(inReview, ny, 1, "check the date", lead),
            () => Database.Get<PublishService>().PublishShiftAsync(inReview, lead),
            () => Database.Get<EditService>().OpenAsync(new NewEditForm { JurisdictionCode = "WY", From = new DateTime(2020, 10, 1), To = new DateTime(2020, 10, 2), Note = "again" }, lead),
            () => Database.Get<EditService>().SetCellAsync(edit, new DateOnly(2020, 11, 1), "positive", "12", lead),
            () => Database.Get<EditService>().PublishAsync(edit, lead),
            () => Database.Get<MutedWarningService>().AddAsync(MutedWarning("Another one"), lead),
            () => Database.Get<MutedWarningService>().RemoveAsync(mute, lead),
            () => Database.Get<JurisdictionService>().MarkSourceChangedAsync("AK", lead),
            () => Database.Get<ScreenshotService>().ApproveAsync(upload.Id, lead),
            () => Database.Get<AuditQueries>().PageAsync(new AuditFilter(), lead, null));

        Assert.Equal(before, await AuditEventCountAsync());

        // Their own data entry is still theirs to do.
        await Database.Get<QueueService>().ClaimAsync(await Loop.EntryIdAsync(unassigned, "WY"), 1, lead);
    }

    [Fact]
    public async Task AnAdminWhoIsNoLongerOneCanDoNoAdminWorkAndReadsTheAuditTrailAsALead()
    {
        var formerAdmin = await Database.CreateUserAsync("Fay Former", Roles.Admin, Roles.ShiftLead);
        var someone = await Database.CreateUserAsync("Sol Someone", Roles.Volunteer);
        var source = await Database.Get<SourceService>().AddAsync("AK", new SourceForm { Label = "Extra", Url = "https://example.org/ak" }, formerAdmin);
        await Database.Get<UserAdminService>().DisableAsync(someone, formerAdmin);
        await Database.Get<UserAdminService>().SetRolesAsync(formerAdmin, [Roles.ShiftLead], Loop.Admin);
        var before = await AuditEventCountAsync();

        await RefusedAsync(NoLongerAnAdmin,
            () => Database.Get<UserAdminService>().InviteAsync(new InviteForm { Email = "new@example.org", DisplayName = "New Person" }, formerAdmin),
            () => Database.Get<UserAdminService>().SetRolesAsync(Loop.Vera, [Roles.Admin], formerAdmin),
            () => Database.Get<UserAdminService>().DisableAsync(Loop.Cole, formerAdmin),
            () => Database.Get<UserAdminService>().EnableAsync(someone, formerAdmin),
            () => Database.Get<UserAdminService>().NewSetPasswordLinkAsync(Loop.Vera, formerAdmin),
            () => Database.Get<JurisdictionService>().ScheduleAsync("AK", new TimeOnly(17, 0), formerAdmin),
            () => Database.Get<SnapshotService>().MakeAsync(SnapshotService.OnDemand, formerAdmin),
            () => Database.Get<SourceService>().AddAsync("AK", new SourceForm { Label = "Another", Url = "https://example.org/ak2" }, formerAdmin),
            () => Database.Get<SourceService>().ChangeAsync("AK", source, new SourceForm { Label = "Renamed", Url = "https://example.org/ak" }, formerAdmin),
            () => Database.Get<SourceService>().RemoveAsync("AK", source, formerAdmin),
            () => Database.Get<CtpImportService>().ImportAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(string.Join(",", CtpSample.HistoryHeader()))), "x.csv", formerAdmin));

        Assert.Equal(before, await AuditEventCountAsync());

        // Still a lead: the audit trail, but only of the shifts they lead (none), not everyone's.
        Assert.Empty(await Database.Get<AuditQueries>().PageAsync(new AuditFilter(), formerAdmin, null));
        Assert.NotEmpty(await Database.Get<AuditQueries>().PageAsync(new AuditFilter(), Loop.Admin, null));
    }

    [Fact]
    public async Task ADisabledVolunteerCanNoLongerClaimSaveOrSubmitAPass()
    {
        var shiftId = await Loop.OpenShiftAsync(Day, "AK", "AL");
        var ak = await Loop.EntryIdAsync(shiftId, "AK");
        var al = await Loop.EntryIdAsync(shiftId, "AL");
        await Database.Get<QueueService>().ClaimAsync(ak, 1, Loop.Vera);
        var form = await Database.Get<EntryService>().GetPassFormAsync(ak, 1, Loop.Vera);
        var source = await Database.Get<SourceService>().AddAsync("AK", new SourceForm { Label = "Extra", Url = "https://example.org/ak" }, Loop.Admin);

        await Database.Get<UserAdminService>().DisableAsync(Loop.Vera, Loop.Admin);
        var before = await AuditEventCountAsync();

        var vera = Loop.Vera;
        await RefusedAsync(Disabled,
            () => Database.Get<QueueService>().ClaimAsync(al, 1, vera),
            () => Database.Get<QueueService>().ReleaseAsync(ak, 1, vera),
            () => Database.Get<DraftService>().SaveAsync(ak, 1, vera, new DraftContent(new Dictionary<string, string> { ["positive"] = "1" }, null, null, null, null), 0),
            () => Loop.SubmitAsync(ak, 1, vera, new Dictionary<string, string> { ["positive"] = "1" }),
            () => Database.Get<ScreenshotService>().UploadAsync("AK", source, ImageCorpus.ScreenshotPng(), CovidEntry.Domain.Screenshots.ScreenshotOrigin.Upload, vera),
            () => Database.Get<ScreenshotService>().RequestCaptureAsync("AK", source, vera));

        Assert.Equal(before, await AuditEventCountAsync());
        Assert.NotNull(form);
    }

    [Fact]
    public async Task SomeoneWhoNoLongerExistsIsRefusedAndTheCommandLineIsNot()
    {
        var error = await Assert.ThrowsAsync<DomainException>(() => Database.Get<ShiftService>().OpenAsync(
            new NewShiftForm { Label = "ghost", DataDate = Day.ToDateTime(TimeOnly.MinValue), Jurisdictions = ["AK"] }, Guid.NewGuid().ToString()));
        Assert.Equal("Your account no longer exists, so this was not done.", error.Message);

        // ./run.sh import-ctp runs as the person at the server's shell.
        var report = await Database.Get<CtpImportService>().ImportAsync(
            new MemoryStream(System.Text.Encoding.UTF8.GetBytes(string.Join(",", CtpSample.HistoryHeader()))), "empty.csv", CtpImportService.CommandLineUser);
        Assert.NotNull(report);
    }

    private static MutedWarningForm MutedWarning(string reason) => new()
    {
        JurisdictionCode = "AK", MetricKey = "positive", Rule = CovidEntry.Domain.Quality.QcRule.Spike,
        UntilDate = new DateTime(2030, 1, 1), Reason = reason,
    };

    private static async Task RefusedAsync(string message, params Func<Task>[] actions)
    {
        for (var i = 0; i < actions.Length; i++)
        {
            var refused = await Assert.ThrowsAsync<DomainException>(actions[i]);
            Assert.True(refused.Message.StartsWith(message, StringComparison.Ordinal), $"Action {i + 1}: \"{refused.Message}\"");
        }
    }

    private async Task<int> AuditEventCountAsync()
    {
        await using var db = await Database.DbAsync();
        return await db.AuditEvents.CountAsync();
    }
}
