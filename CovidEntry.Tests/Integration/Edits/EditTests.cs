using CovidEntry.App.Features.Edits;
using CovidEntry.App.Features.Publish;
using CovidEntry.Domain;
using CovidEntry.Domain.Batches;
using CovidEntry.Domain.History;
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
    public async Task ALeadCanSayWhyAValueIsEmptyAndOnlyTheV2FileCarriesTheReason()
    {
        await Database.Get<PublishService>().PublishShiftAsync(await Loop.VerifiedShiftInReviewAsync(Day, Published, "AK"), Loop.Lead);
        var edits = Database.Get<EditService>();
        var editId = await edits.OpenAsync(Form(note: "AK suppresses death counts under 10 on this page"), Loop.Lead);
        await edits.SetCellAsync(editId, Day, "death", "suppressed", Loop.Lead);
        await edits.SetCellAsync(editId, Day, "recovered", "n/a", Loop.Lead);

        var diff = (await edits.GetAsync(editId, Loop.Lead))!.Diff;
        await edits.PublishAsync(editId, Loop.OtherLead);
        await using var api = await PublicApi.StartAsync(Database.ConnectionString);
        var csv = (await api.Http.GetStringAsync("/api/v1/states/ak/daily.csv")).Split('\n');
        using var v2 = System.Text.Json.JsonDocument.Parse(await api.Http.GetStringAsync("/api/v2/states/ak/daily.json"));

        Assert.Equal([("death", new Reading(98), new Reading(null, MissingReason.Suppressed)), ("recovered", new Reading(null), new Reading(null, MissingReason.NotApplicable))],
            diff.Select(d => (d.MetricKey, d.PublishedNow, d.NewValue)));
        var header = csv[0].Split(',').Select(c => c.Trim('"')).ToList();
        Assert.Equal("", csv[1].Split(',')[header.IndexOf("death")]);
        var day = v2.RootElement.GetProperty("data")[0];
        var death = day.GetProperty("outcomes").GetProperty("death").GetProperty("total");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, death.GetProperty("value").ValueKind);
        Assert.Equal("suppressed", death.GetProperty("missing_reason").GetString());
        Assert.Equal("not_applicable", day.GetProperty("outcomes").GetProperty("recovered").GetProperty("missing_reason").GetString());
        Assert.Equal("not_reported", day.GetProperty("outcomes").GetProperty("hospitalized").GetProperty("currently").GetProperty("missing_reason").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, day.GetProperty("cases").GetProperty("total").GetProperty("missing_reason").ValueKind);
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
