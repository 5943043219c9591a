using CovidEntry.App.Features.Reconcile;
using CovidEntry.App.Features.Stats;
using CovidEntry.Domain.Entries;

namespace CovidEntry.Tests.Integration;

public class DoubleEntryStatsServiceTests : LoopTest
{
    [Fact]
    public async Task ThePassTheLeadDidNotKeepCountsAsOverruled()
    {
        var shiftId = await Loop.OpenShiftAsync(Day, "AK");
        var entryId = await Loop.EntryIdAsync(shiftId, "AK");
        await Loop.SubmitAsync(entryId, 1, Loop.Vera, new Dictionary<string, string> { ["positive"] = "10", ["death"] = "98" });
        await Loop.SubmitAsync(entryId, 2, Loop.Cole, new Dictionary<string, string> { ["positive"] = "10", ["death"] = "89" });
        await Database.Get<ReconcileService>().ReconcileAsync(entryId, "death",
            new ReconcileForm { Choice = ResolutionSource.FirstPass, Reason = "Dashboard says 98" }, Loop.Lead);

        var named = await Database.Get<DoubleEntryStatsService>().ForAsync(Day.AddDays(-7), Day);

        var cole = named.Report.ByVolunteer.Single(r => named.Names[r.Key] == "Cole Checker");
        Assert.Equal(new Rate(2, 1, 1), cole.Total);
        Assert.Equal(new Rate(2, 1, 0), named.Report.ByVolunteer.Single(r => named.Names[r.Key] == "Vera Volunteer").Total);
    }
}
