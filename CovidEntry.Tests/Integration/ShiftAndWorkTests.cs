using CovidEntry.App.Features.Entry;
using CovidEntry.App.Features.Shifts;
using CovidEntry.Domain;

namespace CovidEntry.Tests.Integration;

public class ShiftAndWorkTests : IAsyncLifetime
{
    private static readonly DateOnly Day = new(2020, 11, 14);
    private readonly TestDatabase _database = new();
    private LoopScenario _loop = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _loop = await new LoopScenario(_database).WithPeopleAsync();
    }

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task APassLeftOpenIsClaimedFromTheWorkListAndTheSamePersonCannotTakeTheOther()
    {
        var shifts = _database.Get<ShiftService>();
        var shiftId = await shifts.OpenAsync(new NewShiftForm { Label = "unassigned", DataDate = Day.ToDateTime(TimeOnly.MinValue), Jurisdictions = ["WY"] }, _loop.Lead);
        var work = _database.Get<EntryService>();

        var offered = Assert.Single(await work.MyWorkAsync(_loop.Vera));
        Assert.Equal(("WY", 1, WorkItemState.Claimable), (offered.Code, offered.PassNumber, offered.State));
        await work.ClaimAsync(offered.EntryId, 1, _loop.Vera);

        var mine = Assert.Single(await work.MyWorkAsync(_loop.Vera));
        Assert.Equal((1, WorkItemState.Assigned), (mine.PassNumber, mine.State));
        var both = await Assert.ThrowsAsync<DomainException>(() => work.ClaimAsync(offered.EntryId, 2, _loop.Vera));
        Assert.Contains("cannot do both passes", both.Message);

        var forCole = Assert.Single(await work.MyWorkAsync(_loop.Cole));
        Assert.Equal((2, WorkItemState.Claimable), (forCole.PassNumber, forCole.State));
        var detail = (await shifts.GetAsync(shiftId))!.Entries.Single();
        Assert.Equal((_loop.Vera, (string?)null), (detail.FirstPassUserId, detail.SecondPassUserId));
    }

    [Fact]
    public async Task ALeadCannotGiveBothPassesOfAJurisdictionToOnePerson()
    {
        var shifts = _database.Get<ShiftService>();
        var shiftId = await _loop.OpenShiftAsync(Day, "AK");
        var entryId = await _loop.EntryIdAsync(shiftId, "AK");

        var refused = await Assert.ThrowsAsync<DomainException>(() => shifts.AssignAsync(shiftId, entryId, 2, _loop.Vera, _loop.Lead));

        Assert.Contains("same person cannot do both passes", refused.Message);
        Assert.Equal(_loop.Cole, (await shifts.GetAsync(shiftId))!.Entries.Single().SecondPassUserId);
    }

    [Fact]
    public async Task ANewShiftCannotTakeAJurisdictionThatAnUnpublishedShiftHasForTheSameDate()
    {
        await _loop.OpenShiftAsync(Day, "AK", "AL");
        var validator = _database.Get<NewShiftFormValidator>();

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
        var shiftId = await _loop.OpenShiftAsync(Day, "AK");
        var entryId = await _loop.EntryIdAsync(shiftId, "AK");
        await _loop.SubmitAsync(entryId, 1, _loop.Vera, new Dictionary<string, string> { ["positive"] = "5" });

        var early = await Assert.ThrowsAsync<DomainException>(() => _database.Get<ShiftService>().BeginReviewAsync(shiftId));

        Assert.Contains("Not yet verified: AK", early.Message);
    }
}
