using CovidEntry.App.Features.Reconcile;
using CovidEntry.App.Features.Review;
using CovidEntry.Domain;
using CovidEntry.Domain.Entries;

namespace CovidEntry.Tests.Integration;

public class ReconcileTests : IAsyncLifetime
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
    public async Task TheReconcileViewShowsNeitherPassUntilBothAreIn()
    {
        var entryId = await _loop.EntryIdAsync(await _loop.OpenShiftAsync(Day, "AK"), "AK");
        await _loop.SubmitAsync(entryId, 1, _loop.Vera, new Dictionary<string, string> { ["positive"] = "100" });

        var view = await _database.Get<ReconcileService>().GetAsync(entryId);

        Assert.Equal(EntryStatus.AwaitingPasses, view.Status);
        Assert.Empty(view.Passes);
        Assert.Empty(view.Mismatches);
    }

    [Fact]
    public async Task ALeadSettlesEachMismatchWithAReasonAndTheReviewShowsTheChosenValues()
    {
        var shiftId = await _loop.OpenShiftAsync(Day, "AK");
        var entryId = await _loop.EntryIdAsync(shiftId, "AK");
        await _loop.SubmitAsync(entryId, 1, _loop.Vera, new Dictionary<string, string> { ["positive"] = "22,020", ["death"] = "98", ["recovered"] = "7,000" });
        await _loop.SubmitAsync(entryId, 2, _loop.Cole, new Dictionary<string, string> { ["positive"] = "22,200", ["death"] = "98", ["recovered"] = "" });
        var reconcile = _database.Get<ReconcileService>();

        var view = await reconcile.GetAsync(entryId);
        Assert.Equal(EntryStatus.Mismatch, view.Status);
        Assert.Equal(["positive", "recovered"], view.Mismatches.Select(m => m.MetricKey));
        Assert.Equal(2, view.Passes.Count);

        var noReason = await Assert.ThrowsAsync<DomainException>(() =>
            reconcile.ReconcileAsync(entryId, "positive", new ReconcileForm { Choice = ResolutionSource.FirstPass, Reason = " " }, _loop.Lead));
        Assert.Contains("reason", noReason.Message);
        await reconcile.ReconcileAsync(entryId, "positive", new ReconcileForm { Choice = ResolutionSource.FirstPass, Reason = "pass 2 swapped two digits" }, _loop.Lead);
        await reconcile.ReconcileAsync(entryId, "recovered", new ReconcileForm { Choice = ResolutionSource.Typed, TypedValue = "7,001", Reason = "the page changed in between" }, _loop.Lead);

        Assert.Equal(EntryStatus.Verified, (await reconcile.GetAsync(entryId)).Status);
        var review = (await _database.Get<ReviewService>().GetAsync(shiftId, _loop.OtherLead))!;
        var values = review.Entries.Single().Values.ToDictionary(v => v.MetricKey, v => v.Value);
        Assert.Equal((22020L, 98L, 7001L), (values["positive"]!.Value, values["death"]!.Value, values["recovered"]!.Value));
    }

    [Fact]
    public async Task ATypedValueThatIsNotACountIsRefusedAndNothingChanges()
    {
        var entryId = await _loop.EntryIdAsync(await _loop.OpenShiftAsync(Day, "AK"), "AK");
        await _loop.SubmitAsync(entryId, 1, _loop.Vera, new Dictionary<string, string> { ["positive"] = "1" });
        await _loop.SubmitAsync(entryId, 2, _loop.Cole, new Dictionary<string, string> { ["positive"] = "2" });
        var reconcile = _database.Get<ReconcileService>();

        var refused = await Assert.ThrowsAsync<DomainException>(() =>
            reconcile.ReconcileAsync(entryId, "positive", new ReconcileForm { Choice = ResolutionSource.Typed, TypedValue = "1.5", Reason = "typed" }, _loop.Lead));

        Assert.Contains("decimals", refused.Message);
        var view = await reconcile.GetAsync(entryId);
        Assert.Equal(EntryStatus.Mismatch, view.Status);
        Assert.Null(view.Mismatches.Single().Resolution);
    }
}
