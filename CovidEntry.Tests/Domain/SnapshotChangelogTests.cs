using System.Text.Json;
using CovidEntry.Domain.Snapshots;

namespace CovidEntry.Tests.Domain;

public sealed class SnapshotChangelogTests
{
    private static readonly DateOnly Day = new(2021, 3, 6);

    [Fact]
    public void AddedRowsAreTheNewDaysWithOrWithoutValuesOnceEachNewestFirstAndChangedCellsKeepTheirOldAndNewValue()
    {
        var previous = Guid.NewGuid();
        var changes = new SnapshotChanges(
            [
                new CellChange(Day, "NY", "positive", null, 10, RowExisted: false),
                new CellChange(Day, "NY", "death", null, 1, RowExisted: false),
                new CellChange(Day.AddDays(-1), "AK", "positive", 5, 7, RowExisted: true),
                new CellChange(Day.AddDays(-2), "AK", "death", 3, null, RowExisted: true),
            ],
            [],
            [(Day, "AK"), (Day, "NY")]);

        var (json, rowsAdded, cellsChanged) = SnapshotChangelog.Write(previous, changes, listLimit: 100);

        Assert.Equal((2, 2), (rowsAdded, cellsChanged));
        using var log = JsonDocument.Parse(json);
        var root = log.RootElement;
        Assert.Equal(previous, root.GetProperty("previous_snapshot").GetGuid());
        Assert.False(root.GetProperty("lists_truncated").GetBoolean());
        Assert.Equal(["2021-03-06 AK", "2021-03-06 NY"],
            root.GetProperty("added_rows").EnumerateArray().Select(r => $"{r.GetProperty("date").GetString()} {r.GetProperty("state").GetString()}"));
        Assert.Equal(["2021-03-05 AK positive 5→7", "2021-03-04 AK death 3→null"],
            root.GetProperty("changed_cells").EnumerateArray().Select(c =>
                $"{c.GetProperty("date").GetString()} {c.GetProperty("state").GetString()} {c.GetProperty("metric").GetString()} {Shown(c.GetProperty("old"))}→{Shown(c.GetProperty("new"))}"));
    }

    [Fact]
    public void TheListsStopAtTheLimitButTheCountsAreWhole()
    {
        var cells = Enumerable.Range(0, 5).Select(i => new CellChange(Day.AddDays(-i), "NY", "positive", i, i + 1, RowExisted: true)).ToList();

        var (json, _, cellsChanged) = SnapshotChangelog.Write(null, new SnapshotChanges(cells, [], []), listLimit: 3);

        using var log = JsonDocument.Parse(json);
        Assert.Equal(5, cellsChanged);
        Assert.Equal(JsonValueKind.Null, log.RootElement.GetProperty("previous_snapshot").ValueKind);
        Assert.True(log.RootElement.GetProperty("lists_truncated").GetBoolean());
        Assert.Equal(3, log.RootElement.GetProperty("changed_cells").GetArrayLength());
        Assert.Equal(5, log.RootElement.GetProperty("cells_changed").GetInt32());
    }

    private static string Shown(JsonElement value) => value.ValueKind == JsonValueKind.Null ? "null" : value.GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
}
