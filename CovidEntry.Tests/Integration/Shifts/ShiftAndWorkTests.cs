using CovidEntry.App.Features.Entries;
using CovidEntry.App.Features.Shifts;
using CovidEntry.Domain;

namespace CovidEntry.Tests.Integration;

public class ShiftAndWorkTests : LoopTest
{
    [Fact]
    public async Task APassLeftOpenIsClaimedFromTheWorkListAndTheSamePersonCannotTakeTheOther()
    {
        var shifts = Database.Get<ShiftService>();
        var shiftId = await shifts.OpenAsync(new NewShiftForm { Label = "unassigned", DataDate = Day.ToDateTime(TimeOnly.MinValue), Jurisdictions = ["WY"] }, Loop.Lead);
        var work = Database.Get<QueueService>();

        var offered = Assert.Single(await work.ForAsync(Loop.Vera));
        Assert.Equal(("WY", 1, WorkItemState.Claimable), (offered.Code, offered.PassNumber, offered.State));
        await work.ClaimAsync(offered.EntryId, 1, Loop.Vera);

        var mine = Assert.Single(await work.ForAsync(Loop.Vera));
        Assert.Equal((1, WorkItemState.Assigned), (mine.PassNumber, mine.State));
        var both = await Assert.ThrowsAsync<DomainException>(() => work.ClaimAsync(offered.EntryId, 2, Loop.Vera));
        Assert.Contains("You hold pass 1 of WY, so pass 2 must be someone else's.", both.Message);

        var forCole = Assert.Single(await work.ForAsync(Loop.Cole));
        Assert.Equal((2, WorkItemState.Claimable), (forCole.PassNumber, forCole.State));
        var detail = (await shifts.GetAsync(shiftId))!.Entries.Single();
        Assert.Equal((Loop.Vera, (string?)null), (detail.FirstPassUserId, detail.SecondPassUserId));
    }

    [Fact]
    public async Task ALeadCannotGiveBothPassesOfAJurisdictionToOnePerson()
    {
        var shifts = Database.Get<ShiftService>();
        var shiftId = await Loop.OpenShiftAsync(Day, "AK");
        var entryId = await Loop.EntryIdAsync(shiftId, "AK");

        var refused = await Assert.ThrowsAsync<DomainException>(() => shifts.AssignAsync(shiftId, entryId, 2, Loop.Vera, Loop.Lead));

        Assert.Contains("same person cannot do both passes", refused.Message);
        Assert.Equal(Loop.Cole, (await shifts.GetAsync(shiftId))!.Entries.Single().SecondPassUserId);
    }

    [Fact]
    public async Task ANewShiftCannotTakeAJurisdictionThatAnUnpublishedShiftHasForTheSameDate()
    {
        await Loop.OpenShiftAsync(Day, "AK", "AL");
        var validator = Database.Get<NewShiftFormValidator>();

        var clash = await validator.ValidateAsync(new NewShiftForm { Label = "second", DataDate = Day.ToDateTime(TimeOnly.MinValue), Jurisdictions = ["AL", "AZ"] });
        var otherDay = await validator.ValidateAsync(new NewShiftForm { Label = "second", DataDate = Day.AddDays(-1).ToDateTime(TimeOnly.MinValue), Jurisdictions = ["AL", "AZ"] });

        var message = Assert.Single(clash.Errors);
        Assert.Equal(nameof(NewShiftForm.Jurisdictions), message.PropertyName);
        Assert.Contains("Already in an unpublished shift for this date: AL.", message.ErrorMessage);
        Assert.True(otherDay.IsValid);
    }

    [Fact]
    public async Task AShiftCannotGoToReviewWhileAnEntryWaitsForAPass()
    {
        var shiftId = await Loop.OpenShiftAsync(Day, "AK");
        var entryId = await Loop.EntryIdAsync(shiftId, "AK");
        await Loop.SubmitAsync(entryId, 1, Loop.Vera, new Dictionary<string, string> { ["positive"] = "5" });

        var early = await Assert.ThrowsAsync<DomainException>(() => Database.Get<ShiftService>().BeginReviewAsync(shiftId, Loop.Lead));

        Assert.Contains("Not yet verified: AK", early.Message);
    }
}
