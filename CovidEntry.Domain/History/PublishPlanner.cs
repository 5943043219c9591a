namespace CovidEntry.Domain.History;

/// <summary>
/// Decides which versions a publish writes: one for every cell whose value differs from what is
/// published now. Publishing the same value again writes nothing, and an empty value is only
/// written when it replaces a published number (the source withdrew it).
/// </summary>
public static class PublishPlanner
{
    public static IReadOnlyList<ValueVersion> Plan(
        IEnumerable<KeyValuePair<CellKey, long?>> values,
        IReadOnlyDictionary<CellKey, LatestValue> latest,
        Guid batchId,
        string publishedByUserId,
        DateTime publishedAtUtc)
    {
        var versions = new List<ValueVersion>();
        foreach (var (cell, value) in values)
        {
            var current = latest.GetValueOrDefault(cell);
            var unchanged = current is null ? value is null : current.Value == value;
            if (!unchanged)
            {
                versions.Add(new ValueVersion(cell, value, (current?.VersionNumber ?? 0) + 1, batchId, publishedByUserId, publishedAtUtc));
            }
        }

        return versions;
    }
}
