using System.Text.Json;
using CovidEntry.App.Features.Entries;
using CovidEntry.App.Features.Review;
using CovidEntry.App.Features.Shifts;
using CovidEntry.Domain;
using CovidEntry.Domain.Entries;
using CovidEntry.Domain.People;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.Tests.Integration;

/// <summary>
/// The rules about which records a person may touch, at the service boundary the pages call:
/// the route policies only say who may open a kind of page, these say which entry.
/// </summary>
public class RecordAccessTests : LoopTest
{
    private static readonly Dictionary<string, string> Agreed = new() { ["positive"] = "1,000", ["death"] = "50" };

    [Fact]
    public async Task APassFormOpensOnlyForThePersonWhoHoldsThatPass()
    {
        var shiftId = await Loop.OpenShiftAsync(Day, "AK");
        var entryId = await Loop.EntryIdAsync(shiftId, "AK");
        var stranger = await Database.CreateUserAsync("Sam Stranger");
        var admin = await Database.CreateUserAsync("Ada Admin", Roles.Admin);
        var entries = Database.Get<EntryService>();

        // Leads and admins see passes through reconciliation and review, never through another's form.
        foreach (var (pass, person) in new[] { (1, Loop.Cole), (2, Loop.Vera), (1, stranger), (2, stranger), (1, Loop.Lead), (1, admin) })
        {
            var refused = await Assert.ThrowsAsync<DomainException>(() => entries.GetPassFormAsync(entryId, pass, person));
            // Each refusal names the real reason: the person's own other pass, or who holds this one.
            Assert.Matches("(pass [12] must be someone else's|holds pass [12] of AK now)", refused.Message);
        }

        Assert.Equal(1, (await entries.GetPassFormAsync(entryId, 1, Loop.Vera)).PassNumber);

        // Taken over by a lead, the pass is no longer the former holder's to open.
        await Database.Get<ShiftService>().AssignAsync(shiftId, entryId, 1, stranger, Loop.Lead);
        await Assert.ThrowsAsync<DomainException>(() => entries.GetPassFormAsync(entryId, 1, Loop.Vera));
        Assert.Equal(1, (await entries.GetPassFormAsync(entryId, 1, stranger)).PassNumber);
    }

    [Fact]
    public async Task APassIsSubmittedOnlyByItsHolderAndARefusalWritesNothing()
    {
        var entryId = await Loop.EntryIdAsync(await Loop.OpenShiftAsync(Day, "AK"), "AK");
        var form = EntryFormModel.For((await Database.Get<EntryService>().GetPassFormAsync(entryId, 1, Loop.Vera)).Metrics);
        form.Values.Single(v => v.Key == "positive").Text = "1,000";

        var refused = await Assert.ThrowsAsync<DomainException>(() => Database.Get<EntryService>().SubmitAsync(entryId, 1, Loop.Cole, form));

        Assert.Contains("You hold pass 2 of AK, so pass 1 must be someone else's. Nothing was submitted", refused.Message);
        await using var db = await Database.DbAsync();
        var entry = await db.Entries.Include(e => e.Passes).SingleAsync(e => e.Id == entryId);
        Assert.Empty(entry.Passes);
    }

    [Fact]
    public async Task NoFormOfTheOtherPassCarriesAnythingOfTheFirstWhateverHappensToIt()
    {
        var shiftId = await Loop.OpenShiftAsync(Day, "AK");
        var entryId = await Loop.EntryIdAsync(shiftId, "AK");
        var newcomer = await Database.CreateUserAsync("Nina Newcomer");
        var marks = new[] { "7,654,321", "7654321", "marker-public-1", "marker-private-1", "marker-returned-1", "marker-draft-1" };

        await Loop.SubmitAsync(entryId, 1, Loop.Vera, new Dictionary<string, string> { ["positive"] = "7,654,321" },
            publicNote: "marker-public-1", privateNote: "marker-private-1");
        AssertCarriesNone(await Database.Get<EntryService>().GetPassFormAsync(entryId, 2, Loop.Cole), marks);

        // Sent back, the pass's values wait as its author's draft; a newcomer taking the pass over
        // starts empty, and the second pass still sees nothing.
        await Database.Get<ReviewService>().SendBackAsync(shiftId, entryId, 1, "marker-returned-1", Loop.Lead);
        await Database.Get<DraftService>().SaveAsync(entryId, 1, Loop.Vera,
            new DraftContent(new Dictionary<string, string> { ["positive"] = "7,654,321" }, null, "marker-draft-1", null, null), 1);
        AssertCarriesNone(await Database.Get<EntryService>().GetPassFormAsync(entryId, 2, Loop.Cole), marks);
        await Database.Get<ShiftService>().AssignAsync(shiftId, entryId, 1, newcomer, Loop.Lead);
        AssertCarriesNone(await Database.Get<EntryService>().GetPassFormAsync(entryId, 1, newcomer), marks);
        AssertCarriesNone(await Database.Get<EntryService>().GetPassFormAsync(entryId, 2, Loop.Cole), marks);
    }

    [Fact]
    public async Task ALeadWhoseSentBackPassWasRedoneBySomeoneElseStillCannotApproveTheEntry()
    {
        var shiftId = await Loop.OpenShiftAsync(Day, "AK");
        var entryId = await Loop.EntryIdAsync(shiftId, "AK");
        var shifts = Database.Get<ShiftService>();
        var review = Database.Get<ReviewService>();
        await shifts.AssignAsync(shiftId, entryId, 1, Loop.OtherLead, Loop.Lead);
        await Loop.SubmitAsync(entryId, 1, Loop.OtherLead, Agreed);
        await Loop.SubmitAsync(entryId, 2, Loop.Cole, Agreed);
        await review.SendBackAsync(shiftId, entryId, 1, "Check the deaths again", Loop.Lead);
        await shifts.AssignAsync(shiftId, entryId, 1, Loop.Vera, Loop.Lead);
        await Loop.SubmitAsync(entryId, 1, Loop.Vera, Agreed);

        var refused = await Assert.ThrowsAsync<DomainException>(() => review.ApproveAsync(shiftId, entryId, Loop.OtherLead));

        Assert.Contains("another lead must approve it", refused.Message);
        Assert.Empty(await review.ApproveAllWithoutWarningsAsync(shiftId, Loop.OtherLead));
        await review.ApproveAsync(shiftId, entryId, Loop.Lead);
        Assert.Equal("Lena Lead", (await review.GetAsync(shiftId, Loop.Lead))!.Entries.Single().ApprovedBy);
    }

    /// <summary>Everything the form would send to the browser, searched as text.</summary>
    private static void AssertCarriesNone(PassForm form, IEnumerable<string> marks)
    {
        var sent = JsonSerializer.Serialize(form);
        foreach (var mark in marks)
        {
            Assert.False(sent.Contains(mark, StringComparison.Ordinal), $"The form of pass {form.PassNumber} carries \"{mark}\": {sent}");
        }

        Assert.Null(form.Submitted);
        Assert.Null(form.Draft);
        Assert.Null(form.SentBack);
    }
}
