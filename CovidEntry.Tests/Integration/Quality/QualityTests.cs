using CovidEntry.App.Features.Entries;
using CovidEntry.App.Features.Publish;
using CovidEntry.App.Features.Quality;
using CovidEntry.Domain;
using CovidEntry.Domain.Quality;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.Tests.Integration;

public class QualityTests : LoopTest
{
    private static readonly DateOnly NextDay = Day.AddDays(1);
    private static readonly Dictionary<string, string> Lower = new() { ["positive"] = "20,000", ["death"] = "98" };
    private const string DecreaseKey = "CumulativeDecrease:positive";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var published = await Loop.VerifiedShiftInReviewAsync(Day, new Dictionary<string, string> { ["positive"] = "22,020", ["death"] = "98" }, "AK");
        await Database.Get<PublishService>().PublishShiftAsync(published, Loop.Lead);
    }

    [Fact]
    public async Task ThePassFormShowsThePreviousPublishedDay()
    {
        var entryId = await Loop.EntryIdAsync(await Loop.OpenShiftAsync(NextDay, "AK"), "AK");

        var form = await Database.Get<EntryService>().GetPassFormAsync(entryId, 1, Loop.Vera);

        Assert.Equal(Day, form.Previous!.DataDate);
        Assert.Equal(22020, form.Previous.Values["positive"]);
        Assert.Equal([DecreaseKey], form.Quality.Check(new Dictionary<string, long?> { ["positive"] = 20000 }, null, DateTime.UtcNow).Select(w => w.Key));
    }

    [Fact]
    public async Task AFallingTotalIsSubmittedOnlyWithAReasonWhichIsKeptWithThePass()
    {
        var entryId = await Loop.EntryIdAsync(await Loop.OpenShiftAsync(NextDay, "AK"), "AK");

        var refused = await Assert.ThrowsAsync<DomainException>(() => Loop.SubmitAsync(entryId, 1, Loop.Vera, Lower));
        Assert.Contains("Give a reason for each warning", refused.Message);
        Assert.Contains("positive is 20,000, lower than the 22,020 published for 2020-11-14", refused.Message);
        await using (var db = await Database.DbAsync())
        {
            Assert.False(await db.Entries.Where(e => e.Id == entryId).SelectMany(e => e.Passes).AnyAsync());
        }

        await Loop.SubmitAsync(entryId, 1, Loop.Vera, Lower, answers: new Dictionary<string, WarningAnswer>
        {
            [DecreaseKey] = new(WarningReason.SourceRevised, "State removed duplicate cases"),
        });

        await using var after = await Database.DbAsync();
        var pass = await after.Entries.Where(e => e.Id == entryId).SelectMany(e => e.Passes).SingleAsync();
        var warning = Assert.Single(pass.Warnings);
        Assert.Equal((QcRule.CumulativeDecrease, "positive", WarningReason.SourceRevised, "State removed duplicate cases"),
            (warning.Rule, warning.Field, warning.Reason, warning.Note));
    }

    [Fact]
    public async Task AMutedWarningAsksForNoReasonUntilItsDatePasses()
    {
        var mutedWarnings = Database.Get<MutedWarningService>();
        await mutedWarnings.AddAsync(new MutedWarningForm
        {
            JurisdictionCode = "AK",
            MetricKey = "positive",
            Rule = QcRule.CumulativeDecrease,
            UntilDate = NextDay.ToDateTime(TimeOnly.MinValue),
            Reason = "Alaska is removing duplicates all week",
        }, Loop.Lead);
        var entryId = await Loop.EntryIdAsync(await Loop.OpenShiftAsync(NextDay, "AK"), "AK");

        await Loop.SubmitAsync(entryId, 1, Loop.Vera, Lower);

        var listed = Assert.Single(await mutedWarnings.ListAsync(NextDay));
        Assert.Equal(("AK", "positive", "Lena Lead"), (listed.JurisdictionCode, listed.MetricKey, listed.CreatedBy));
        Assert.Empty(await mutedWarnings.ListAsync(NextDay.AddDays(1)));
        var later = await Database.Get<QualityService>().ContextAsync("AK", NextDay.AddDays(1));
        Assert.Single(later.Check(new Dictionary<string, long?> { ["positive"] = 1 }, null, DateTime.UtcNow));
    }

    [Fact]
    public async Task AMutedWarningNeedsAKnownJurisdictionAndMetricAndAReason()
    {
        var refused = await Assert.ThrowsAsync<DomainException>(() => Database.Get<MutedWarningService>().AddAsync(new MutedWarningForm
        {
            JurisdictionCode = "XX",
            MetricKey = "nope",
            Rule = QcRule.Spike,
            UntilDate = NextDay.ToDateTime(TimeOnly.MinValue),
            Reason = "",
        }, Loop.Lead));

        Assert.Contains("not a jurisdiction we collect", refused.Message);
        Assert.Contains("not in the catalog", refused.Message);
        Assert.Contains("Say why", refused.Message);
        await using var db = await Database.DbAsync();
        Assert.Equal(0, await db.MutedWarnings.CountAsync());
    }
}
