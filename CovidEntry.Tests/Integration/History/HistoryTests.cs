using CovidEntry.App.Features.Edits;
using CovidEntry.App.Features.History;
using CovidEntry.App.Features.Publish;
using CovidEntry.App.Features.Reconcile;
using CovidEntry.App.Features.Shifts;
using CovidEntry.Domain.Batches;
using CovidEntry.Domain.Entries;

namespace CovidEntry.Tests.Integration;

public class HistoryTests : LoopTest
{
    [Fact]
    public async Task ACellsTimelineNamesWhoEnteredCheckedReconciledAndApprovedEachVersion()
    {
        var shiftId = await Loop.OpenShiftAsync(Day, "AK");
        var entryId = await Loop.EntryIdAsync(shiftId, "AK");
        await Loop.SubmitAsync(entryId, 1, Loop.Vera, new Dictionary<string, string> { ["death"] = "98" }, "Dashboard moved", "Vera called the hotline");
        await Loop.SubmitAsync(entryId, 2, Loop.Cole, new Dictionary<string, string> { ["death"] = "89" });
        await Database.Get<ReconcileService>().ReconcileAsync(entryId, "death", new ReconcileForm { Choice = ResolutionSource.FirstPass, Reason = "pass 2 swapped digits" }, Loop.OtherLead);
        await Database.Get<ShiftService>().BeginReviewAsync(shiftId, Loop.Lead);
        await Loop.ApproveAllAsync(shiftId);
        await Database.Get<PublishService>().PublishShiftAsync(shiftId, Loop.Lead);
        var edits = Database.Get<EditService>();
        var editId = await edits.OpenAsync(new NewEditForm { JurisdictionCode = "AK", From = Day.ToDateTime(TimeOnly.MinValue), To = Day.ToDateTime(TimeOnly.MinValue), Note = "AK audit added one death", Link = "https://dhss.alaska.gov/" }, Loop.OtherLead);
        await edits.SetCellAsync(editId, Day, "death", "99", Loop.OtherLead);
        await edits.PublishAsync(editId, Loop.Lead);

        var timeline = (await Database.Get<HistoryService>().TimelineAsync("AK", Day, "death", withPrivateNotes: true))!;
        var forVolunteers = (await Database.Get<HistoryService>().TimelineAsync("AK", Day, "death", withPrivateNotes: false))!;

        Assert.Equal(("Alaska", "Deaths (confirmed + probable)"), (timeline.JurisdictionName, timeline.MetricLabel));
        var (first, second) = (timeline.Versions[0], timeline.Versions[1]);
        Assert.Equal((1, 98L, BatchKind.Daily, "Lena Lead"), (first.VersionNumber, first.Value!.Value, first.BatchKind, first.ApprovedBy));
        Assert.Equal([("Vera Volunteer", (long?)98), ("Cole Checker", 89)], first.Passes.Select(p => (p.Author, p.Value)));
        Assert.Equal("Vera called the hotline", first.Passes[0].PrivateNote);
        Assert.Null(forVolunteers.Versions[0].Passes[0].PrivateNote);
        Assert.Equal("Dashboard moved", forVolunteers.Versions[0].Passes[0].PublicNote);
        Assert.Equal((ResolutionSource.FirstPass, "pass 2 swapped digits", "Omar Lead"), (first.Resolution!.Source, first.Resolution.Reason, first.Resolution.ResolvedBy));
        Assert.Equal((2, 99L, BatchKind.Edit, "AK audit added one death", "https://dhss.alaska.gov/"), (second.VersionNumber, second.Value!.Value, second.BatchKind, second.BatchNote, second.BatchLink));
        Assert.Empty(second.Passes);
        Assert.True(second.LagDays > 2000);
    }

    [Fact]
    public async Task AJurisdictionsHistoryCanBeReadAsItStoodAtAnEarlierMoment()
    {
        var publisher = Database.Get<PublishService>();
        await publisher.PublishShiftAsync(await Loop.VerifiedShiftInReviewAsync(Day, new Dictionary<string, string> { ["positive"] = "100" }, "AK"), Loop.Lead);
        var between = DateTimeOffset.UtcNow;
        await publisher.PublishShiftAsync(await Loop.VerifiedShiftInReviewAsync(Day.AddDays(1), new Dictionary<string, string> { ["positive"] = "120" }, "AK"), Loop.Lead);
        var history = Database.Get<HistoryService>();

        var now = await history.JurisdictionAsync("AK", null);
        var then = await history.JurisdictionAsync("AK", between);
        var before = await history.JurisdictionAsync("AK", between.AddDays(-1));

        Assert.Equal([(Day.AddDays(1), (long?)120), (Day, 100)], now.Days.Select(d => (d.Date, d.Values["positive"])));
        Assert.Equal([(Day, (long?)100)], then.Days.Select(d => (d.Date, d.Values["positive"])));
        Assert.Empty(before.Days);
        Assert.Equal(28, now.Metrics.Count);
    }
}
