using CovidEntry.App.Features.Entries;
using CovidEntry.App.Features.Jurisdictions;
using CovidEntry.App.Features.Publish;
using CovidEntry.App.Features.Shifts;
using CovidEntry.Domain;
using CovidEntry.Domain.Shifts;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.Tests.Integration;

public class QueueTests : LoopTest
{
    private async Task<Guid> OpenUnassignedAsync(DateOnly date, params string[] codes) =>
        await Database.Get<ShiftService>().OpenAsync(new NewShiftForm { Label = "queue", DataDate = date.ToDateTime(TimeOnly.MinValue), Jurisdictions = codes }, Loop.Lead);

    [Fact]
    public async Task TheQueuePutsChangedSourcesFirstThenOverdueJurisdictionsThenTheRest()
    {
        var jurisdictions = Database.Get<JurisdictionService>();
        await jurisdictions.ScheduleAsync("AL", new TimeOnly(16, 0), Loop.Admin);
        await jurisdictions.ScheduleAsync("AZ", new TimeOnly(23, 59), Loop.Admin);
        await jurisdictions.MarkSourceChangedAsync("WY", Loop.Lead);
        await OpenUnassignedAsync(Day, "AK", "AL", "AZ", "WY");

        var queue = await Database.Get<QueueService>().ForAsync(Loop.Vera);

        Assert.Equal(["WY", "AL", "AZ", "AK"], queue.Select(i => i.Code));
        Assert.Equal([Freshness.SourceChanged, Freshness.Overdue, Freshness.Overdue, Freshness.Rest], queue.Select(i => i.Freshness));
        Assert.StartsWith("Source changed", queue[0].FreshnessText);
        Assert.Equal("Overdue since 2020-11-14 16:00 UTC", queue[1].FreshnessText);
    }

    [Fact]
    public async Task PublishingAJurisdictionEndsItsSourceChangedPriority()
    {
        await Database.Get<JurisdictionService>().MarkSourceChangedAsync("AK", Loop.Lead);
        var shiftId = await Loop.VerifiedShiftInReviewAsync(Day, new Dictionary<string, string> { ["positive"] = "5" }, "AK");
        await Database.Get<PublishService>().PublishShiftAsync(shiftId, Loop.Lead);
        await OpenUnassignedAsync(Day.AddDays(1), "AK");

        var item = Assert.Single(await Database.Get<QueueService>().ForAsync(Loop.Vera));

        Assert.Equal(Freshness.Rest, item.Freshness);
    }

    [Fact]
    public async Task AClaimIsExclusiveAndShowsWhoHoldsIt()
    {
        var entryId = await Loop.EntryIdAsync(await OpenUnassignedAsync(Day, "AK"), "AK");
        var queue = Database.Get<QueueService>();
        var third = await Database.CreateUserAsync("Tess Third");
        await queue.ClaimAsync(entryId, 1, Loop.Vera);
        await queue.ClaimAsync(entryId, 2, Loop.Cole);

        var refused = await Assert.ThrowsAsync<DomainException>(() => queue.ClaimAsync(entryId, 1, third));

        Assert.Contains("Vera Volunteer has pass 1 of AK now, so your claim was not saved.", refused.Message);
        var seen = Assert.Single(await queue.ForAsync(third));
        Assert.Equal((WorkItemState.HeldByOther, "Vera Volunteer"), (seen.State, seen.HolderName));
        Assert.NotNull(seen.ClaimedAtUtc);
    }

    [Fact]
    public async Task TwoVolunteersClaimingTheSamePassAtOnceLeaveExactlyOneHolder()
    {
        var entryId = await Loop.EntryIdAsync(await OpenUnassignedAsync(Day, "AK"), "AK");
        var claims = new[] { Loop.Vera, Loop.Cole }.Select(person => Task.Run(async () =>
        {
            try
            {
                await Database.Get<QueueService>().ClaimAsync(entryId, 1, person);
                return person;
            }
            catch (DomainException)
            {
                return null;
            }
        })).ToList();

        var winners = (await Task.WhenAll(claims)).Where(w => w is not null).ToList();

        var winner = Assert.Single(winners);
        await using var db = await Database.DbAsync();
        Assert.Equal(winner, (await db.Entries.SingleAsync(e => e.Id == entryId)).FirstPassUserId);
    }

    [Fact]
    public async Task AClaimWithoutTypingLapsesAfterTheIdleTimeAndCanBeTakenOver()
    {
        var entryId = await Loop.EntryIdAsync(await OpenUnassignedAsync(Day, "AK"), "AK");
        var queue = Database.Get<QueueService>();
        await queue.ClaimAsync(entryId, 1, Loop.Vera);
        await queue.ClaimAsync(entryId, 2, await Database.CreateUserAsync("Tess Third"));
        await AgeClaimAsync(entryId, TimeSpan.FromMinutes(31));

        var lapsed = Assert.Single(await queue.ForAsync(Loop.Cole));
        Assert.Equal((1, WorkItemState.Lapsed), (lapsed.PassNumber, lapsed.State));
        await queue.ClaimAsync(entryId, 1, Loop.Cole);

        await using var db = await Database.DbAsync();
        Assert.Equal(Loop.Cole, (await db.Entries.SingleAsync(e => e.Id == entryId)).FirstPassUserId);
    }

    [Fact]
    public async Task TypingKeepsAClaimAlive()
    {
        var entryId = await Loop.EntryIdAsync(await OpenUnassignedAsync(Day, "AK"), "AK");
        var queue = Database.Get<QueueService>();
        await queue.ClaimAsync(entryId, 1, Loop.Vera);
        await AgeClaimAsync(entryId, TimeSpan.FromHours(2));
        await Database.Get<DraftService>().SaveAsync(entryId, 1, Loop.Vera,
            new CovidEntry.Domain.Entries.DraftContent(new Dictionary<string, string> { ["positive"] = "1" }, null, null, null, "positive"), 0);

        var refused = await Assert.ThrowsAsync<DomainException>(() => queue.ClaimAsync(entryId, 1, Loop.Cole));

        Assert.Contains("Vera Volunteer has pass 1 of AK now", refused.Message);
    }

    [Fact]
    public async Task AHolderCanReleaseAPassAndKeepsTheirDraftForLater()
    {
        var entryId = await Loop.EntryIdAsync(await OpenUnassignedAsync(Day, "AK"), "AK");
        var queue = Database.Get<QueueService>();
        await queue.ClaimAsync(entryId, 1, Loop.Vera);
        await Database.Get<DraftService>().SaveAsync(entryId, 1, Loop.Vera,
            new CovidEntry.Domain.Entries.DraftContent(new Dictionary<string, string> { ["positive"] = "77" }, null, null, null, null), 0);

        await queue.ReleaseAsync(entryId, 1, Loop.Vera);
        Assert.Equal(WorkItemState.Claimable, Assert.Single(await queue.ForAsync(Loop.Cole)).State);
        await Assert.ThrowsAsync<DomainException>(() => queue.ReleaseAsync(entryId, 1, Loop.Cole));

        await queue.ClaimAsync(entryId, 1, Loop.Vera);
        Assert.Equal("77", (await Database.Get<EntryService>().GetPassFormAsync(entryId, 1, Loop.Vera)).Draft!.Content.Texts["positive"]);
    }

    private async Task AgeClaimAsync(Guid entryId, TimeSpan age)
    {
        await using var db = await Database.DbAsync();
        var claimedAt = DateTime.UtcNow - age;
        await db.Entries.Where(e => e.Id == entryId).ExecuteUpdateAsync(set => set.SetProperty(e => e.FirstPassClaimedAtUtc, claimedAt));
    }

    [Fact]
    public async Task TwoAdminsSettingAnUpdateTimeNeverOverwriteEachOtherSilently()
    {
        var jurisdictions = Database.Get<JurisdictionService>();
        var otherAdmin = await Database.CreateUserAsync("Abe Admin", CovidEntry.Domain.People.Roles.Admin);
        await jurisdictions.ScheduleAsync("AK", new TimeOnly(16, 0), Loop.Admin, startedFrom: null);

        var late = await Assert.ThrowsAsync<DomainException>(() => jurisdictions.ScheduleAsync("AK", new TimeOnly(18, 0), otherAdmin, startedFrom: null));

        Assert.Contains("changed AK's update time to 16:00 meanwhile", late.Message);
        Assert.Equal(new TimeOnly(16, 0), (await jurisdictions.ListAsync()).Single(j => j.Code == "AK").ExpectedUpdateUtc);
    }
}
