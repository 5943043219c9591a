using CovidEntry.Domain;
using CovidEntry.Domain.Batches;
using CovidEntry.Domain.History;
using CovidEntry.Domain.Shifts;

namespace CovidEntry.Tests.Domain;

public class ShiftAndBatchTests
{
    private static readonly DateTime Now = new(2026, 11, 23, 20, 0, 0, DateTimeKind.Utc);
    private static readonly DateOnly DataDate = new(2026, 11, 22);

    private static Dictionary<string, long?> Values(long positive) => new() { ["positive"] = positive };

    private static Batch VerifiedBatch(params string[] codes)
    {
        var batch = Batch.Daily(DataDate, codes, "lena", Now);
        foreach (var entry in batch.Entries)
        {
            entry.Assign(1, "vera");
            entry.Assign(2, "cole");
            entry.SubmitPass(1, "vera", Values(10), null, null, null, Now);
            entry.SubmitPass(2, "cole", Values(10), null, null, null, Now);
        }

        batch.ApproveAllWithoutWarnings("omar", Now);
        return batch;
    }

    [Fact]
    public void ADailyBatchHasOneEntryPerJurisdictionInCodeOrder()
    {
        var batch = Batch.Daily(DataDate, ["NY", "AK", "NY", "AL"], "lena", Now);

        Assert.Equal(["AK", "AL", "NY"], batch.Entries.Select(e => e.JurisdictionCode));
        Assert.All(batch.Entries, e => Assert.Equal(DataDate, e.DataDate));
        Assert.Throws<DomainException>(() => Batch.Daily(DataDate, [], "lena", Now));
    }

    [Fact]
    public void PublishingNeedsEveryEntryVerified()
    {
        var batch = Batch.Daily(DataDate, ["AK", "AL"], "lena", Now);

        Assert.Contains("AK, AL", batch.WhyCannotPublish("boss"));
        Assert.Throws<DomainException>(() => batch.MarkPublished("boss", Now));
        Assert.Equal(BatchStatus.Open, batch.Status);
    }

    [Fact]
    public void ALeadWhoEnteredAPassCannotPublishTheBatch()
    {
        var batch = VerifiedBatch("AK");

        Assert.Contains("another lead must publish", batch.WhyCannotPublish("vera"));
        Assert.Null(batch.WhyCannotPublish("lena"));
    }

    [Fact]
    public void ABatchIsPublishedOnlyOnce()
    {
        var batch = VerifiedBatch("AK");
        batch.MarkPublished("lena", Now);

        Assert.Equal((BatchStatus.Published, "lena", Now), (batch.Status, batch.PublishedByUserId, batch.PublishedAtUtc));
        var again = Assert.Throws<DomainException>(() => batch.MarkPublished("lena", Now));
        Assert.Contains("already published", again.Message);
    }

    [Fact]
    public void AShiftGoesOpenThenReviewThenPublishedThenClosed()
    {
        var batch = VerifiedBatch("AK");
        var shift = new Shift("2026-11-23 evening", DataDate, "lena", batch.Id, Now);
        Assert.True(shift.AcceptsPasses);

        shift.BeginReview(batch);
        Assert.Equal(ShiftState.InReview, shift.State);
        Assert.Throws<DomainException>(() => shift.EnsureAcceptsPasses());

        shift.Reopen();
        shift.BeginReview(batch);
        shift.MarkPublished();
        shift.Close();
        Assert.Equal(ShiftState.Closed, shift.State);
    }

    [Fact]
    public void AShiftsEntriesChangeUntilItIsPublished()
    {
        var batch = VerifiedBatch("AK");
        var shift = new Shift("evening", DataDate, "lena", batch.Id, Now);
        var seen = new List<(ShiftState, bool)> { (shift.State, shift.EntriesCanChange) };

        shift.BeginReview(batch);
        seen.Add((shift.State, shift.EntriesCanChange));
        shift.MarkPublished();
        seen.Add((shift.State, shift.EntriesCanChange));
        var refused = Assert.Throws<DomainException>(() => shift.EnsureEntriesCanChange());
        shift.Close();
        seen.Add((shift.State, shift.EntriesCanChange));

        Assert.Equal([(ShiftState.Open, true), (ShiftState.InReview, true), (ShiftState.Published, false), (ShiftState.Closed, false)], seen);
        Assert.Equal("The shift is published; its entries can no longer change.", refused.Message);
    }

    [Fact]
    public void ABatchPublishesItsEntriesAgreedValuesOrItsEditsAndAnImportNothingOfItsOwn()
    {
        var daily = VerifiedBatch("AK", "AL");
        Assert.Equal(
            [(new CellKey("AK", DataDate, "positive"), 10L), (new CellKey("AL", DataDate, "positive"), 10L)],
            daily.PublishedValues().Select(v => (v.Key, v.Value.Value!.Value)).OrderBy(v => v.Key.JurisdictionCode));

        var edit = Batch.Edit("AK", DataDate, DataDate, "the state revised its count", null, "lena", Now);
        edit.EditCell(new CellKey("AK", DataDate, "positive"), 10, 12);
        Assert.Equal([(new CellKey("AK", DataDate, "positive"), (long?)12)], edit.PublishedValues().Select(v => (v.Key, v.Value.Value)));

        var import = Batch.Import("CTP history", "ada", Now);
        Assert.Throws<DomainException>(() => import.PublishedValues());
    }

    [Fact]
    public void AShiftCannotGoToReviewWithUnverifiedEntriesNorSkipStates()
    {
        var batch = Batch.Daily(DataDate, ["AK"], "lena", Now);
        var shift = new Shift("evening", DataDate, "lena", batch.Id, Now);

        Assert.Throws<DomainException>(() => shift.BeginReview(batch));
        Assert.Throws<DomainException>(() => shift.MarkPublished());
        Assert.Throws<DomainException>(() => shift.Close());
        Assert.Equal(ShiftState.Open, shift.State);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void AShiftNeedsAName(string label)
    {
        Assert.Throws<DomainException>(() => new Shift(label, DataDate, "lena", Guid.NewGuid(), Now));
    }
}
