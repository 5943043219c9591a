using CovidEntry.Domain;
using CovidEntry.Domain.Batches;
using CovidEntry.Domain.History;

namespace CovidEntry.Tests.Domain;

public class ReportedDayTests
{
    private static readonly DateOnly Day = new(2020, 3, 1);
    private static readonly DateTime Now = new(2020, 3, 2, 1, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void APublishRecordsEachDayItReportsOnceAndNotOneAlreadyRecorded()
    {
        var batchId = Guid.CreateVersion7();
        DayKey Ak(int day) => new("AK", Day.AddDays(day));

        var planned = ReportedDay.Plan([Ak(0), Ak(1), Ak(0), Ak(2)], new HashSet<DayKey> { Ak(1) }, batchId, Now);

        Assert.Equal([Ak(0), Ak(2)], planned.Select(d => d.Day));
        Assert.All(planned, d => Assert.Equal((batchId, Now, 0L), (d.BatchId, d.PublishedAtUtc, d.Id)));
    }

    [Fact]
    public void EveryEntryOfADailyBatchIsAReportedDayWhateverItsValues()
    {
        var batch = Batch.Daily(Day, ["GU", "AK"], "lead", Now);

        Assert.Equal([new DayKey("AK", Day), new DayKey("GU", Day)], batch.ReportedDays());
    }

    [Fact]
    public void AnEditBatchReportsNoDayOfItsOwn()
    {
        var batch = Batch.Edit("AK", Day, Day.AddDays(3), "The source revised its March numbers.", null, "lead", Now);
        batch.EditCell(new CellKey("AK", Day, "positive"), null, 4);

        Assert.Empty(batch.ReportedDays());
        Assert.Empty(Batch.Import("Imported from x.csv", "admin", Now).ReportedDays());
    }

    [Fact]
    public void AReportedDaysPublishTimeMustBeUtc()
    {
        var local = DateTime.SpecifyKind(Now, DateTimeKind.Local);

        var refused = Assert.Throws<DomainException>(() => new ReportedDay(new DayKey("AK", Day), Guid.CreateVersion7(), local));

        Assert.Contains("UTC", refused.Message);
    }
}
