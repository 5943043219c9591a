namespace CovidEntry.Domain.Entries;

/// <summary>One field on which the two blind passes disagree.</summary>
public sealed record FieldMismatch(string MetricKey, long? FirstPassValue, long? SecondPassValue);

/// <summary>
/// Compares two passes field by field. Empty counts as a value: one volunteer leaving a field
/// empty while the other typed a number is a mismatch, because "not reported" is also a reading.
/// </summary>
public static class DoubleEntryComparison
{
    public static IReadOnlyList<FieldMismatch> Compare(
        IReadOnlyDictionary<string, long?> first,
        IReadOnlyDictionary<string, long?> second)
    {
        return first.Keys.Union(second.Keys)
            .Select(key => new FieldMismatch(key, first.GetValueOrDefault(key), second.GetValueOrDefault(key)))
            .Where(m => m.FirstPassValue != m.SecondPassValue)
            .OrderBy(m => m.MetricKey, StringComparer.Ordinal)
            .ToList();
    }
}
