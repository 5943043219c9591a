using CovidEntry.App.Features.Reconcile;
using CovidEntry.App.Features.Review;
using CovidEntry.Domain;
using CovidEntry.Domain.Entries;

namespace CovidEntry.Tests.Integration;

public class ReconcileTests : LoopTest
{
    [Fact]
    public async Task TheReconcileViewShowsNeitherPassUntilBothAreIn()
    {
        var entryId = await Loop.EntryIdAsync(await Loop.OpenShiftAsync(Day, "AK"), "AK");
        await Loop.SubmitAsync(entryId, 1, Loop.Vera, new Dictionary<string, string> { ["positive"] = "100" });

        var view = await Database.Get<ReconcileService>().GetAsync(entryId);

        Assert.Equal(EntryStatus.AwaitingPasses, view.Status);
        Assert.Empty(view.Passes);
        Assert.Empty(view.Mismatches);
    }

    [Fact]
    public async Task ALeadSettlesEachMismatchWithAReasonAndTheReviewShowsTheChosenValues()
    {
        var shiftId = await Loop.OpenShiftAsync(Day, "AK");
        var entryId = await Loop.EntryIdAsync(shiftId, "AK");
        await Loop.SubmitAsync(entryId, 1, Loop.Vera, new Dictionary<string, string> { ["positive"] = "22,020", ["death"] = "98", ["recovered"] = "7,000" });
        await Loop.SubmitAsync(entryId, 2, Loop.Cole, new Dictionary<string, string> { ["positive"] = "22,200", ["death"] = "98", ["recovered"] = "" });
        var reconcile = Database.Get<ReconcileService>();

        var view = await reconcile.GetAsync(entryId);
        Assert.Equal(EntryStatus.Mismatch, view.Status);
        Assert.Equal(["positive", "recovered"], view.Mismatches.Select(m => m.MetricKey));
        Assert.Equal(2, view.Passes.Count);

        var noReason = await Assert.ThrowsAsync<DomainException>(() =>
            reconcile.ReconcileAsync(entryId, "positive", new ReconcileForm { Choice = ResolutionSource.FirstPass, Reason = " " }, Loop.Lead));
        Assert.Contains("reason", noReason.Message);
        await reconcile.ReconcileAsync(entryId, "positive", new ReconcileForm { Choice = ResolutionSource.FirstPass, Reason = "pass 2 swapped two digits" }, Loop.Lead);
        await reconcile.ReconcileAsync(entryId, "recovered", new ReconcileForm { Choice = ResolutionSource.Typed, TypedValue = "7,001", Reason = "the page changed in between" }, Loop.Lead);

        Assert.Equal(EntryStatus.Verified, (await reconcile.GetAsync(entryId)).Status);
        var review = (await Database.Get<ReviewService>().GetAsync(shiftId, Loop.OtherLead))!;
        var values = review.Entries.Single().Values.ToDictionary(v => v.MetricKey, v => v.Value);
        Assert.Equal((22020L, 98L, 7001L), (values["positive"]!.Value, values["death"]!.Value, values["recovered"]!.Value));
    }

    [Fact]
    public async Task ATypedValueThatIsNotACountIsRefusedAndNothingChanges()
    {
        var entryId = await Loop.EntryIdAsync(await Loop.OpenShiftAsync(Day, "AK"), "AK");
        await Loop.SubmitAsync(entryId, 1, Loop.Vera, new Dictionary<string, string> { ["positive"] = "1" });
        await Loop.SubmitAsync(entryId, 2, Loop.Cole, new Dictionary<string, string> { ["positive"] = "2" });
        var reconcile = Database.Get<ReconcileService>();

        var refused = await Assert.ThrowsAsync<DomainException>(() =>
            reconcile.ReconcileAsync(entryId, "positive", new ReconcileForm { Choice = ResolutionSource.Typed, TypedValue = "1.5", Reason = "typed" }, Loop.Lead));

        Assert.Contains("decimals", refused.Message);
        var view = await reconcile.GetAsync(entryId);
        Assert.Equal(EntryStatus.Mismatch, view.Status);
        Assert.Null(view.Mismatches.Single().Resolution);
    }
}
