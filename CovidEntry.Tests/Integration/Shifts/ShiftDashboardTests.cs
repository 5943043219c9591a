using CovidEntry.App.Features.Publish;
using CovidEntry.App.Features.Shifts;
using CovidEntry.Domain;
using CovidEntry.Domain.Shifts;

namespace CovidEntry.Tests.Integration;

public class ShiftDashboardTests : LoopTest
{
    [Fact]
    public async Task CoverageCountsPassesVerifiedApprovedAndPublishedJurisdictions()
    {
        var shiftId = await Loop.OpenShiftAsync(Day, "AK", "AL");
        var ak = await Loop.EntryIdAsync(shiftId, "AK");
        await Loop.SubmitAsync(ak, 1, Loop.Vera, new Dictionary<string, string> { ["positive"] = "5" });
        await Loop.SubmitAsync(ak, 2, Loop.Cole, new Dictionary<string, string> { ["positive"] = "5" });
        await Loop.SubmitAsync(await Loop.EntryIdAsync(shiftId, "AL"), 1, Loop.Vera, new Dictionary<string, string> { ["positive"] = "7" });

        var coverage = (await Database.Get<ShiftService>().GetAsync(shiftId))!.Coverage;

        Assert.Equal(new Coverage(Planned: 2, PublishedForDate: 0, PassesIn: 3, Verified: 1, Approved: 0), coverage);
    }

    [Fact]
    public async Task TheNextShiftReadsTheHandoffNoteAndAClosedShiftSumsUpWhatItDid()
    {
        var shifts = Database.Get<ShiftService>();
        var first = await Loop.VerifiedShiftInReviewAsync(Day, new Dictionary<string, string> { ["positive"] = "5" }, "AK", "AL");
        await shifts.WriteHandoffAsync(first, "  Alaska moved its dashboard; use the secondary page.  ", Loop.Lead);
        await Database.Get<PublishService>().PublishShiftAsync(first, Loop.Lead);

        var summary = await shifts.CloseAsync(first, Loop.Lead);
        var second = await Loop.OpenShiftAsync(Day.AddDays(1), "AK");

        Assert.Equal((2, 2, 2, 0, 0, 0, 2), (summary.Planned, summary.Published, summary.ValuesPublished, summary.FieldsReconciled, summary.EntriesWithWarnings, summary.PassesSentBack, summary.People));
        var closed = (await shifts.GetAsync(first))!;
        Assert.Equal(ShiftState.Closed, closed.State);
        Assert.Equal(2, closed.Coverage.PublishedForDate);
        Assert.StartsWith("Shift closed: 2 of 2 jurisdictions published, 2 new values;", closed.Summary!.Describe("Shift closed"));
        var handoff = (await shifts.GetAsync(second))!.PreviousHandoff!;
        Assert.Equal(("2020-11-14 evening", "Lena Lead", "Alaska moved its dashboard; use the secondary page."), (handoff.ShiftLabel, handoff.LeadName, handoff.Note));
        var final = await Assert.ThrowsAsync<DomainException>(() => shifts.WriteHandoffAsync(first, "late words", Loop.Lead));
        Assert.Contains("closed", final.Message);
    }

    [Fact]
    public async Task TwoLeadsWritingTheHandoffNoteNeverOverwriteEachOtherSilently()
    {
        var shifts = Database.Get<ShiftService>();
        var shiftId = await Loop.OpenShiftAsync(Day, "AK");

        // Both opened the page while the note was empty; Lena saves first.
        await shifts.WriteHandoffAsync(shiftId, "AK call back at 9", Loop.Lead, startedFrom: null);
        var late = await Assert.ThrowsAsync<DomainException>(() => shifts.WriteHandoffAsync(shiftId, "AL slow", Loop.OtherLead, startedFrom: null));

        Assert.Contains("Another lead changed the handoff note while you were writing", late.Message);
        Assert.Contains("AK call back at 9", late.Message);
        Assert.Equal("AK call back at 9", (await shifts.GetAsync(shiftId))!.HandoffNote);
        await shifts.WriteHandoffAsync(shiftId, "AK call back at 9. AL slow", Loop.OtherLead, startedFrom: "AK call back at 9");
        Assert.Equal("AK call back at 9. AL slow", (await shifts.GetAsync(shiftId))!.HandoffNote);
    }
}
