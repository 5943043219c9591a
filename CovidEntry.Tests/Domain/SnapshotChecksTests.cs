using CovidEntry.Domain;
using CovidEntry.Domain.Batches;
using CovidEntry.Domain.Quality;
using CovidEntry.Domain.Snapshots;

namespace CovidEntry.Tests.Domain;

public class SnapshotChecksTests
{
    private static readonly string[] Columns = ["date", "state", "death", "positive"];
    private static readonly SnapshotFacts Previous = new(Columns, 100);

    [Fact]
    public void ASnapshotLikeThePreviousWithMoreRowsPasses()
    {
        Assert.Empty(SnapshotChecks.Problems(Previous, new SnapshotFacts(Columns, 156), Columns, []));
        Assert.Empty(SnapshotChecks.Problems(null, new SnapshotFacts(Columns, 1), Columns, []));
    }

    [Fact]
    public void FewerRowsUnexpectedColumnsAndDroppedColumnsAreEachAProblem()
    {
        string[] fewer = ["date", "state", "positive"];

        var problems = SnapshotChecks.Problems(Previous, new SnapshotFacts(fewer, 99), Columns, []);

        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.Contains("not the expected ones"));
        Assert.Contains(problems, p => p.Contains("Columns the previous snapshot had are gone: death"));
        Assert.Contains(problems, p => p.Contains("99 rows, fewer than the previous snapshot's 100"));
    }

    [Fact]
    public void OnlyAnEditBatchMayLowerACumulativeValue()
    {
        var day = new DateOnly(2020, 11, 14);
        var fromEdit = new CumulativeDecrease("NY", day, "death", 100, 90, BatchKind.Edit, Guid.NewGuid());
        var fromDaily = fromEdit with { Kind = BatchKind.Daily, Metric = "positive" };

        var problems = SnapshotChecks.Problems(Previous, new SnapshotFacts(Columns, 100), Columns, [fromEdit, fromDaily]);

        var problem = Assert.Single(problems);
        Assert.StartsWith("NY 2020-11-14 positive fell from 100 to 90 in a daily batch", problem);
    }

    [Fact]
    public void ADecreaseLeadsMutedOnTheSharedListIsExplained()
    {
        var day = new DateOnly(2020, 11, 14);
        var fromDaily = new CumulativeDecrease("NY", day, "positive", 100, 90, BatchKind.Daily, Guid.NewGuid());
        MutedWarning Muted(string metric, DateOnly until) =>
            new("NY", metric, QcRule.CumulativeDecrease, until, "NY removes duplicates", "lena", DateTime.UtcNow);

        Assert.Empty(SnapshotChecks.Problems(Previous, new SnapshotFacts(Columns, 100), Columns, [fromDaily], [Muted("positive", day)]));
        Assert.Single(SnapshotChecks.Problems(Previous, new SnapshotFacts(Columns, 100), Columns, [fromDaily], [Muted("death", day)]));
        Assert.Single(SnapshotChecks.Problems(Previous, new SnapshotFacts(Columns, 100), Columns, [fromDaily], [Muted("positive", day.AddDays(-1))]));
    }

    [Fact]
    public void AFinishedSnapshotNeverChanges()
    {
        var snapshot = Snapshot.Start("on demand", "ada", 10, null, DateTime.UtcNow);
        snapshot.Finish([new SnapshotFile("a.csv", "text/csv", 1, [1, 2, 3])], "{}", 0, 0, null, [], DateTime.UtcNow, Signed);

        Assert.Equal(SnapshotState.Published, snapshot.State);
        Assert.True(snapshot.IsSigned);
        Assert.Equal("039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81", snapshot.Files[0].Sha256);
        Assert.Throws<DomainException>(() => snapshot.Report("again"));
        Assert.Throws<DomainException>(() => snapshot.Fail("late", DateTime.UtcNow));
    }

    [Fact]
    public void ASnapshotIsSignedOverItsFinishedFactsAndOnlyWhenPublished()
    {
        Snapshot? seen = null;
        var published = Snapshot.Start("on demand", "ada", 10, null, DateTime.UtcNow);
        published.Finish([new SnapshotFile("a.csv", "text/csv", 1, [1, 2, 3])], "{}", 0, 0, null, [], DateTime.UtcNow, s =>
        {
            seen = s;
            Assert.Equal(("a.csv", "{}", true), (s.Files.Single().Name, s.Changelog, s.FinishedAtUtc.HasValue));
            return Signed(s);
        });
        var refused = Snapshot.Start("on demand", "ada", 10, null, DateTime.UtcNow);
        refused.Finish([], "{}", 0, 0, null, ["a problem"], DateTime.UtcNow, _ => throw new InvalidOperationException("a refused snapshot is never signed"));
        var unsignable = Snapshot.Start("on demand", "ada", 10, null, DateTime.UtcNow);

        Assert.Same(published, seen);
        Assert.Equal(("manifest", "sums", new string('a', 64)), (System.Text.Encoding.ASCII.GetString(published.Manifest!), System.Text.Encoding.ASCII.GetString(published.Checksums!), published.SigningKey));
        Assert.False(refused.IsSigned);
        Assert.Throws<DomainException>(() => unsignable.Finish([new SnapshotFile("a.csv", "text/csv", 1, [1])], "{}", 0, 0, null, [], DateTime.UtcNow,
            _ => new SnapshotSignature("m"u8.ToArray(), "s"u8.ToArray(), "short", [1])));
        Assert.Equal(SnapshotState.Making, unsignable.State);
    }

    private static SnapshotSignature Signed(Snapshot snapshot) =>
        new("manifest"u8.ToArray(), "sums"u8.ToArray(), new string('a', Snapshot.SigningKeyLength), [1, 2, 3]);
}
