using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CovidEntry.Domain.Snapshots;

/// <summary>A cell whose newest version is after the previous snapshot, with its value then and now.</summary>
/// <param name="RowExisted">Whether the day had a row in the previous snapshot (a value or a reported day).</param>
public sealed record CellChange(DateOnly Date, string State, string Metric, long? Before, long? Now, bool RowExisted);

/// <summary>What changed between two snapshots.</summary>
/// <param name="DaysAdded">Days first reported since the previous snapshot with no value before it (with or without values now).</param>
public sealed record SnapshotChanges(IReadOnlyList<CellChange> Cells, IReadOnlyList<CumulativeDecrease> Decreases, IReadOnlyList<(DateOnly Date, string State)> DaysAdded);

/// <summary>A snapshot's changelog.json: what it adds and changes against the snapshot before it.</summary>
public static class SnapshotChangelog
{
    /// <summary>
    /// The changelog's JSON: the previous snapshot, how many rows were added and cells changed (all
    /// counted), and the lists of them up to <paramref name="listLimit"/> each, newest day first.
    /// </summary>
    public static (string Json, int RowsAdded, int CellsChanged) Write(Guid? previousSnapshotId, SnapshotChanges changes, int listLimit)
    {
        var addedRows = changes.Cells.Where(c => !c.RowExisted).Select(c => (c.Date, c.State)).Concat(changes.DaysAdded).Distinct()
            .OrderByDescending(r => r.Date).ThenBy(r => r.State, StringComparer.Ordinal).ToList();
        var changedCells = changes.Cells.Where(c => c.RowExisted).ToList();
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            if (previousSnapshotId is { } previous)
            {
                json.WriteString("previous_snapshot", previous);
            }
            else
            {
                json.WriteNull("previous_snapshot");
            }

            json.WriteNumber("rows_added", addedRows.Count);
            json.WriteNumber("cells_changed", changedCells.Count);
            json.WriteBoolean("lists_truncated", addedRows.Count > listLimit || changedCells.Count > listLimit);
            json.WriteStartArray("added_rows");
            foreach (var (date, state) in addedRows.Take(listLimit))
            {
                json.WriteStartObject();
                json.WriteString("date", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                json.WriteString("state", state);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("changed_cells");
            foreach (var cell in changedCells.Take(listLimit))
            {
                json.WriteStartObject();
                json.WriteString("date", cell.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                json.WriteString("state", cell.State);
                json.WriteString("metric", cell.Metric);
                WriteNumber(json, "old", cell.Before);
                WriteNumber(json, "new", cell.Now);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return (Encoding.UTF8.GetString(stream.ToArray()), addedRows.Count, changedCells.Count);

        static void WriteNumber(Utf8JsonWriter json, string name, long? value)
        {
            if (value is { } number)
            {
                json.WriteNumber(name, number);
            }
            else
            {
                json.WriteNull(name);
            }
        }
    }
}
