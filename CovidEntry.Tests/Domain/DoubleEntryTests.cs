using CovidEntry.Domain;
using CovidEntry.Domain.Batches;
using CovidEntry.Domain.Entries;

namespace CovidEntry.Tests.Domain;

public class DoubleEntryTests
{
    private static readonly DateTime Now = new(2026, 11, 23, 20, 0, 0, DateTimeKind.Utc);

    private static Entry NewEntry(string first = "vera", string second = "cole")
    {
        var batch = Batch.Daily(new DateOnly(2026, 11, 22), ["NY"], "lena", Now);
        var entry = batch.Entries.Single();
        entry.Assign(1, first);
        entry.Assign(2, second);
        return entry;
    }

    private static Dictionary<string, long?> Values(long? positive, long? death, long? recovered = null) =>
        new() { ["positive"] = positive, ["death"] = death, ["recovered"] = recovered };

    [Fact]
    public void ComparisonListsOnlyTheFieldsThatDiffer()
    {
        var mismatches = DoubleEntryComparison.Compare(Values(100, 5, null), Values(100, 6, 7));

        Assert.Equal(
            [new FieldMismatch("death", 5, 6), new FieldMismatch("recovered", null, 7)],
            mismatches);
    }

    [Fact]
    public void AgreeingPassesVerifyTheEntry()
    {
        var entry = NewEntry();
        entry.SubmitPass(1, "vera", Values(100, 5), null, null, null, Now);
        Assert.Equal(EntryStatus.AwaitingPasses, entry.Status);

        entry.SubmitPass(2, "cole", Values(100, 5), null, null, null, Now);

        Assert.Equal(EntryStatus.Verified, entry.Status);
        Assert.Equal(Values(100, 5), entry.PublishableValues());
        Assert.All(entry.ResolvedValues, r => Assert.Equal(ResolutionSource.Matched, r.Source));
    }

    [Fact]
    public void SecondPassMayArriveFirst()
    {
        var entry = NewEntry();
        entry.SubmitPass(2, "cole", Values(100, 5), null, null, null, Now);
        entry.SubmitPass(1, "vera", Values(100, 5), null, null, null, Now);

        Assert.Equal(EntryStatus.Verified, entry.Status);
    }

    [Fact]
    public void DifferingPassesMakeAMismatchListingTheFields()
    {
        var entry = NewEntry();
        entry.SubmitPass(1, "vera", Values(100, 5), null, null, null, Now);
        entry.SubmitPass(2, "cole", Values(100, 50), null, null, null, Now);

        Assert.Equal(EntryStatus.Mismatch, entry.Status);
        Assert.Equal([new FieldMismatch("death", 5, 50)], entry.UnresolvedMismatches());
        Assert.Throws<DomainException>(() => entry.PublishableValues());
    }

    [Fact]
    public void SecondPassCannotBeEnteredBySameVolunteer()
    {
        var entry = NewEntry();

        var assign = Assert.Throws<DomainException>(() => entry.Assign(2, "vera"));
        Assert.Contains("same person", assign.Message);

        var unassigned = Batch.Daily(new DateOnly(2026, 11, 22), ["NY"], "lena", Now).Entries.Single();
        unassigned.Claim(1, "vera");
        Assert.Throws<DomainException>(() => unassigned.Claim(2, "vera"));
    }

    [Fact]
    public void OnlyTheHolderOfAPassCanSubmitIt()
    {
        var entry = NewEntry();

        var ex = Assert.Throws<DomainException>(() => entry.SubmitPass(1, "mallory", Values(1, 1), null, null, null, Now));
        Assert.Contains("not assigned to you", ex.Message);
        Assert.Empty(entry.Passes);
    }

    [Fact]
    public void APassIsSubmittedOnceAndThenCannotBeReassigned()
    {
        var entry = NewEntry();
        entry.SubmitPass(1, "vera", Values(1, 1), null, null, null, Now);

        Assert.Throws<DomainException>(() => entry.SubmitPass(1, "vera", Values(2, 2), null, null, null, Now));
        Assert.Throws<DomainException>(() => entry.Assign(1, "someone"));
        Assert.Single(entry.Passes);
    }

    [Fact]
    public void AClaimedPassCannotBeClaimedBySomeoneElse()
    {
        var entry = Batch.Daily(new DateOnly(2026, 11, 22), ["NY"], "lena", Now).Entries.Single();
        entry.Claim(1, "vera");

        var ex = Assert.Throws<DomainException>(() => entry.Claim(1, "cole"));
        Assert.Contains("already taken", ex.Message);
        Assert.Equal("vera", entry.FirstPassUserId);
    }

    [Fact]
    public void ReconcilingEveryMismatchVerifiesWithTheChosenValues()
    {
        var entry = NewEntry();
        entry.SubmitPass(1, "vera", Values(100, 5, 1), null, null, null, Now);
        entry.SubmitPass(2, "cole", Values(101, 6, 1), null, null, null, Now);

        entry.Reconcile("positive", ResolutionSource.SecondPass, null, "pass 1 misread the dashboard", "lena", Now);
        Assert.Equal(EntryStatus.Mismatch, entry.Status);
        entry.Reconcile("death", ResolutionSource.Typed, 7, "the source was updated between passes", "lena", Now);

        Assert.Equal(EntryStatus.Verified, entry.Status);
        Assert.Equal(Values(101, 7, 1), entry.PublishableValues());
        var typed = entry.ResolvedValues.Single(r => r.MetricKey == "death");
        Assert.Equal(("lena", "the source was updated between passes"), (typed.ResolvedByUserId, typed.Reason));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void ReconcilingNeedsAReason(string reason)
    {
        var entry = NewEntry();
        entry.SubmitPass(1, "vera", Values(100, 5), null, null, null, Now);
        entry.SubmitPass(2, "cole", Values(100, 6), null, null, null, Now);

        Assert.Throws<DomainException>(() => entry.Reconcile("death", ResolutionSource.FirstPass, null, reason, "lena", Now));
        Assert.Equal(EntryStatus.Mismatch, entry.Status);
    }

    [Fact]
    public void AnAuthorOfAPassCannotReconcileIt()
    {
        var entry = NewEntry(first: "lena");
        entry.SubmitPass(1, "lena", Values(100, 5), null, null, null, Now);
        entry.SubmitPass(2, "cole", Values(100, 6), null, null, null, Now);

        var ex = Assert.Throws<DomainException>(() => entry.Reconcile("death", ResolutionSource.FirstPass, null, "mine is right", "lena", Now));
        Assert.Contains("another lead", ex.Message);
    }

    [Fact]
    public void OnlyOpenMismatchesCanBeReconciled()
    {
        var entry = NewEntry();
        entry.SubmitPass(1, "vera", Values(100, 5), null, null, null, Now);
        entry.SubmitPass(2, "cole", Values(100, 6), null, null, null, Now);

        Assert.Throws<DomainException>(() => entry.Reconcile("positive", ResolutionSource.FirstPass, null, "why not", "lena", Now));
        entry.Reconcile("death", ResolutionSource.FirstPass, null, "checked the page", "lena", Now);
        Assert.Throws<DomainException>(() => entry.Reconcile("death", ResolutionSource.SecondPass, null, "changed my mind", "lena", Now));
    }
}
