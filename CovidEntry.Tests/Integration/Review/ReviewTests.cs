using CovidEntry.App.Features.Entries;
using CovidEntry.App.Features.Publish;
using CovidEntry.App.Features.Reconcile;
using CovidEntry.App.Features.Review;
using CovidEntry.App.Features.Shifts;
using CovidEntry.Domain;
using CovidEntry.Domain.Entries;
using CovidEntry.Domain.Quality;
using CovidEntry.Domain.Shifts;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.Tests.Integration;

public class ReviewTests : LoopTest
{
    private static readonly DateOnly NextDay = Day.AddDays(1);
    private static readonly Dictionary<string, string> Published = new() { ["positive"] = "1,000", ["death"] = "50" };

    private async Task<Guid> InReviewUnapprovedAsync(DateOnly date, IReadOnlyDictionary<string, string> values, params string[] codes)
    {
        var shiftId = await Loop.OpenShiftAsync(date, codes);
        await Loop.VerifyAllAsync(shiftId, values);
        await Database.Get<ShiftService>().BeginReviewAsync(shiftId, Loop.Lead);
        return shiftId;
    }

    private static IReadOnlyDictionary<string, WarningAnswer> Because(string key) =>
        new Dictionary<string, WarningAnswer> { [key] = new(WarningReason.SourceRevised, "deduplicated") };

    [Fact]
    public async Task ABatchIsPublishedOnlyOnceEveryEntryIsApproved()
    {
        var shiftId = await InReviewUnapprovedAsync(Day, Published, "AK", "AL");
        var publisher = Database.Get<PublishService>();

        var refused = await Assert.ThrowsAsync<DomainException>(() => publisher.PublishShiftAsync(shiftId, Loop.Lead));
        Assert.Equal("Every entry must be approved before publishing. Not yet approved: AK, AL.", refused.Message);

        var approved = await Database.Get<ReviewService>().ApproveAllWithoutWarningsAsync(shiftId, Loop.Lead);
        Assert.Equal(["AK", "AL"], approved);
        Assert.Equal(4, (await publisher.PublishShiftAsync(shiftId, Loop.Lead)).VersionsWritten);
    }

    [Fact]
    public async Task BulkApprovalLeavesEntriesWithWarningsForTheLeadToReadOneByOne()
    {
        await Database.Get<PublishService>().PublishShiftAsync(await Loop.VerifiedShiftInReviewAsync(Day, Published, "AK", "AL"), Loop.Lead);
        var shiftId = await Loop.OpenShiftAsync(NextDay, "AK", "AL");
        var entries = (await Database.Get<ShiftService>().GetAsync(shiftId))!.Entries.ToDictionary(e => e.Code, e => e.EntryId);
        var lower = new Dictionary<string, string> { ["positive"] = "900", ["death"] = "50" };
        await Loop.SubmitAsync(entries["AK"], 1, Loop.Vera, lower, answers: Because("CumulativeDecrease:positive"));
        await Loop.SubmitAsync(entries["AK"], 2, Loop.Cole, lower, answers: Because("CumulativeDecrease:positive"));
        await Loop.SubmitAsync(entries["AL"], 1, Loop.Vera, new Dictionary<string, string> { ["positive"] = "1,100", ["death"] = "50" });
        await Loop.SubmitAsync(entries["AL"], 2, Loop.Cole, new Dictionary<string, string> { ["positive"] = "1,100", ["death"] = "50" });
        await Database.Get<ShiftService>().BeginReviewAsync(shiftId, Loop.Lead);
        var review = Database.Get<ReviewService>();

        Assert.Equal(["AL"], await review.ApproveAllWithoutWarningsAsync(shiftId, Loop.Lead));

        var view = (await review.GetAsync(shiftId, Loop.Lead))!;
        var ak = view.Entries.Single(e => e.Code == "AK");
        Assert.True(ak.HasWarnings);
        Assert.Null(ak.ApprovedBy);
        var positive = ak.Values.Single(v => v.MetricKey == "positive");
        Assert.Equal((1000L, 900L, "\u2212100 (\u221210.0%)"), (positive.PreviousPublished!.Value, positive.Value!.Value, positive.Change.ToString()));
        Assert.Equal([(1, WarningReason.SourceRevised, "deduplicated"), (2, WarningReason.SourceRevised, "deduplicated")],
            positive.Warnings.Select(w => (w.PassNumber, w.Reason, w.Note)));
        Assert.Equal([(Day, (long?)1000)], ak.History["positive"]);
        Assert.Equal("Lena Lead", view.Entries.Single(e => e.Code == "AL").ApprovedBy);

        await review.ApproveAsync(shiftId, entries["AK"], Loop.Lead);
        Assert.Null((await review.GetAsync(shiftId, Loop.Lead))!.CannotPublishReason);
    }

    [Fact]
    public async Task ThePassFormAndTheReviewShowTheSamePreviousPublishedDayHoweverLongAgo()
    {
        // Published 45 days before: beyond the review's 30-day chart, yet still the day before.
        await Database.Get<PublishService>().PublishShiftAsync(await Loop.VerifiedShiftInReviewAsync(Day, Published, "AK"), Loop.Lead);
        var later = Day.AddDays(45);
        var shiftId = await Loop.OpenShiftAsync(later, "AK");
        var entryId = await Loop.EntryIdAsync(shiftId, "AK");

        var form = await Database.Get<EntryService>().GetPassFormAsync(entryId, 1, Loop.Vera);
        await Loop.VerifyAllAsync(shiftId, Published);
        await Database.Get<ShiftService>().BeginReviewAsync(shiftId, Loop.Lead);
        var ak = (await Database.Get<ReviewService>().GetAsync(shiftId, Loop.Lead))!.Entries.Single();

        Assert.Equal((Day, (long?)1000), (form.Previous!.DataDate, form.Previous.Values["positive"]));
        Assert.Equal((Day, (long?)1000), (ak.PreviousDate!.Value, ak.Values.Single(v => v.MetricKey == "positive").PreviousPublished));
        Assert.Empty(ak.History.GetValueOrDefault("positive") ?? []);
    }

    [Fact]
    public async Task TheDiffSaysHowAMismatchWasSettled()
    {
        var shiftId = await Loop.OpenShiftAsync(Day, "AK");
        var entryId = await Loop.EntryIdAsync(shiftId, "AK");
        await Loop.SubmitAsync(entryId, 1, Loop.Vera, new Dictionary<string, string> { ["death"] = "98" });
        await Loop.SubmitAsync(entryId, 2, Loop.Cole, new Dictionary<string, string> { ["death"] = "89" });
        await Database.Get<ReconcileService>().ReconcileAsync(entryId, "death", new ReconcileForm { Choice = ResolutionSource.FirstPass, Reason = "Dashboard shows 98" }, Loop.Lead);

        var death = (await Database.Get<ReviewService>().GetAsync(shiftId, Loop.Lead))!.Entries.Single().Values.Single(v => v.MetricKey == "death");

        Assert.Equal((98L, 89L, ResolutionSource.FirstPass, "Dashboard shows 98", "Lena Lead"),
            (death.Reconciliation!.FirstPass!.Value, death.Reconciliation.SecondPass!.Value, death.Reconciliation.Choice, death.Reconciliation.Reason, death.Reconciliation.ResolvedBy));
    }

    [Fact]
    public async Task ALeadApprovesNothingTheyEntered()
    {
        var shiftId = await Loop.OpenShiftAsync(Day, "AK");
        var entryId = await Loop.EntryIdAsync(shiftId, "AK");
        await Database.Get<ShiftService>().AssignAsync(shiftId, entryId, 1, Loop.OtherLead, Loop.Lead);
        await Loop.SubmitAsync(entryId, 1, Loop.OtherLead, Published);
        await Loop.SubmitAsync(entryId, 2, Loop.Cole, Published);
        var review = Database.Get<ReviewService>();

        var refused = await Assert.ThrowsAsync<DomainException>(() => review.ApproveAsync(shiftId, entryId, Loop.OtherLead));

        Assert.Contains("another lead must approve it", refused.Message);
        Assert.Empty(await review.ApproveAllWithoutWarningsAsync(shiftId, Loop.OtherLead));
        Assert.Equal("You entered a pass here; another lead approves it.", (await review.GetAsync(shiftId, Loop.OtherLead))!.Entries.Single().CannotApproveReason);
    }

    [Fact]
    public async Task APassSentBackReopensTheShiftKeepsItsValuesAndReturnsToItsAuthorWithTheComment()
    {
        var shiftId = await Loop.VerifiedShiftInReviewAsync(Day, Published, "AK");
        var entryId = await Loop.EntryIdAsync(shiftId, "AK");
        var review = Database.Get<ReviewService>();

        var noComment = await Assert.ThrowsAsync<DomainException>(() => review.SendBackAsync(shiftId, entryId, 1, " ", Loop.Lead));
        Assert.Contains("Say what to check again", noComment.Message);
        await review.SendBackAsync(shiftId, entryId, 1, "Deaths look like yesterday's: check the dashboard date", Loop.Lead);

        var shift = (await Database.Get<ShiftService>().GetAsync(shiftId))!;
        Assert.Equal(ShiftState.Open, shift.State);
        Assert.Equal((EntryStatus.AwaitingPasses, false, true), (shift.Entries.Single().Status, shift.Entries.Single().FirstPassSubmitted, shift.Entries.Single().SecondPassSubmitted));
        var form = await Database.Get<EntryService>().GetPassFormAsync(entryId, 1, Loop.Vera);
        Assert.Equal("Deaths look like yesterday's: check the dashboard date", form.SentBack!.Comment);
        Assert.Equal("1,000", form.Draft!.Content.Texts["positive"]);
        await using (var db = await Database.DbAsync())
        {
            var entry = await db.Entries.SingleAsync(e => e.Id == entryId);
            var kept = Assert.Single(entry.ReturnedPasses);
            Assert.Equal((1, Loop.Vera, 1000L, Loop.Lead), (kept.Number, kept.UserId, kept.Values["positive"]!.Value, kept.ReturnedByUserId));
            Assert.Null(entry.ApprovedByUserId);
        }

        await Loop.SubmitAsync(entryId, 1, Loop.Vera, new Dictionary<string, string> { ["positive"] = "1,000", ["death"] = "51" });
        var afterResubmit = (await review.GetAsync(shiftId, Loop.Lead))!.Entries.Single();
        Assert.Equal(EntryStatus.Mismatch, afterResubmit.Status);
        Assert.Equal("Deaths look like yesterday's: check the dashboard date", Assert.Single(afterResubmit.Returns).Comment);
    }
}
