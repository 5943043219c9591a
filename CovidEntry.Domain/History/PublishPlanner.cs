namespace CovidEntry.Domain.History;

/// <summary>
/// Decides which versions a publish writes: one for every cell whose reading differs from what is
/// published now. Publishing the same reading again writes nothing, and an empty, not-reported
/// value is only written when it replaces something published (the source withdrew it).
/// </summary>
public static class PublishPlanner
{
    public static IReadOnlyList<ValueVersion> Plan(
        IEnumerable<KeyValuePair<CellKey, long?>> values,
        IReadOnlyDictionary<CellKey, LatestValue> latest,
        Guid batchId,
        string publishedByUserId,
        DateTime publishedAtUtc) =>
        Plan(values.Select(v => KeyValuePair.Create(v.Key, (Reading)v.Value)), latest, batchId, publishedByUserId, publishedAtUtc);

    public static IReadOnlyList<ValueVersion> Plan(
        IEnumerable<KeyValuePair<CellKey, Reading>> values,
        IReadOnlyDictionary<CellKey, LatestValue> latest,
        Guid batchId,
        string publishedByUserId,
        DateTime publishedAtUtc)
    {
        var versions = new List<ValueVersion>();
        foreach (var (cell, value) in values)
        {
            var current = latest.GetValueOrDefault(cell);
            var unchanged = current is null ? value.IsNothing : current.Reading == value;
            if (!unchanged)
            {
                versions.Add(new ValueVersion(cell, value, (current?.VersionNumber ?? 0) + 1, batchId, publishedByUserId, publishedAtUtc));
            }
        }

        return versions;
    }
}
