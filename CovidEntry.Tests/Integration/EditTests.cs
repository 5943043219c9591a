using CovidEntry.App.Features.Edits;
using CovidEntry.App.Features.Publish;
using CovidEntry.Domain;
using CovidEntry.Domain.Batches;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.Tests.Integration;

public class EditTests : LoopTest
{
    private static readonly Dictionary<string, string> Published = new() { ["positive"] = "22,020", ["death"] = "98" };

    [Fact]
    public async Task AnEditIsPublishedByAnotherLeadAsNewVersionsAndTheOldOnesStay()
    {
        await Database.Get<PublishService>().PublishShiftAsync(await Loop.VerifiedShiftInReviewAsync(Day, Published, "AK"), Loop.Lead);
        var edits = Database.Get<EditService>();
        var editId = await edits.OpenAsync(Form(), Loop.Lead);

        await edits.SetCellAsync(editId, Day, "death", "101", Loop.Lead);
        await edits.SetCellAsync(editId, Day, "recovered", "7,000", Loop.Lead);
        var own = (await edits.GetAsync(editId, Loop.Lead))!;
        var refused = await Assert.ThrowsAsync<DomainException>(() => edits.PublishAsync(editId, Loop.Lead));
        var result = await edits.PublishAsync(editId, Loop.OtherLead);

        Assert.Equal([("death", (long?)98, (long?)101), ("recovered", null, 7000)], own.Diff.Select(d => (d.MetricKey, d.PublishedNow, d.NewValue)));
        Assert.Contains("another lead or an admin", own.WhyViewerCannotPublish);
        Assert.Contains("another lead or an admin", refused.Message);
        Assert.Equal(2, result.VersionsWritten);
        await using var db = await Database.DbAsync();
        var deathHistory = await db.ValueVersions.Where(v => v.JurisdictionCode == "AK" && v.MetricKey == "death")
            .OrderBy(v => v.VersionNumber).Select(v => new { v.Value, v.BatchId }).ToListAsync();
        Assert.Equal([98L, 101L], deathHistory.Select(v => v.Value!.Value));
        Assert.Equal(editId, deathHistory[1].BatchId);
        var after = (await edits.GetAsync(editId, Loop.OtherLead))!;
        Assert.Equal((BatchStatus.Published, "Omar Lead"), (after.Status, after.PublishedBy));
        Assert.Equal([(long?)98, null], after.Diff.Select(d => d.PublishedNow));
    }

    [Fact]
    public async Task ANoOpEditAnEditByAnotherPersonAndABadValueAreRefusedWithAMessage()
    {
        await Database.Get<PublishService>().PublishShiftAsync(await Loop.VerifiedShiftInReviewAsync(Day, Published, "AK"), Loop.Lead);
        var edits = Database.Get<EditService>();
        var editId = await edits.OpenAsync(Form(), Loop.Lead);

        var noOp = await Assert.ThrowsAsync<DomainException>(() => edits.SetCellAsync(editId, Day, "death", "98", Loop.Lead));
        var notAuthor = await Assert.ThrowsAsync<DomainException>(() => edits.SetCellAsync(editId, Day, "death", "99", Loop.OtherLead));
        var bad = await Assert.ThrowsAsync<DomainException>(() => edits.SetCellAsync(editId, Day, "death", "-1", Loop.Lead));
        var empty = await Assert.ThrowsAsync<DomainException>(() => edits.PublishAsync(editId, Loop.OtherLead));

        Assert.Contains("nothing to change", noOp.Message);
        Assert.Contains("Only the lead who made this edit", notAuthor.Message);
        Assert.Contains("negative", bad.Message);
        Assert.Contains("changes no cell", empty.Message);
        Assert.Empty((await edits.GetAsync(editId, Loop.Lead))!.Diff);
    }

    [Fact]
    public async Task OpeningAnEditChecksTheFormAtTheBoundary()
    {
        var edits = Database.Get<EditService>();

        var noNote = await Assert.ThrowsAsync<DomainException>(() => edits.OpenAsync(Form(note: " "), Loop.Lead));
        var unknown = await Assert.ThrowsAsync<DomainException>(() => edits.OpenAsync(Form(code: "ZZ"), Loop.Lead));

        Assert.Contains("Say why history is being corrected", noNote.Message);
        Assert.Contains("not a known jurisdiction", unknown.Message);
        await using var db = await Database.DbAsync();
        Assert.Equal(0, await db.Batches.CountAsync(b => b.Kind == BatchKind.Edit));
    }

    private static NewEditForm Form(string code = "AK", string note = "AK revised its death count") => new()
    {
        JurisdictionCode = code,
        From = Day.AddDays(-2).ToDateTime(TimeOnly.MinValue),
        To = Day.ToDateTime(TimeOnly.MinValue),
        Note = note,
    };
}
