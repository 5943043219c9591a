namespace CovidEntry.Domain.Entries;

/// <summary>One person's complete set of values for an entry.</summary>
public sealed class Pass
{
    public const int NoteMaxLength = 4000;

    private readonly List<PassValue> _values = [];

    private Pass()
    {
    }

    internal Pass(int number, string userId, IReadOnlyDictionary<string, long?> values, DateTime? sourceUpdatedAtUtc,
        string? publicNote, string? privateNote, DateTime submittedAtUtc)
    {
        Number = number;
        UserId = userId;
        SourceUpdatedAtUtc = sourceUpdatedAtUtc;
        PublicNote = publicNote;
        PrivateNote = privateNote;
        SubmittedAtUtc = submittedAtUtc;
        _values.AddRange(values.Select(v => new PassValue(v.Key, v.Value)));
    }

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public int Number { get; private set; }
    public string UserId { get; private set; } = "";
    public DateTime SubmittedAtUtc { get; private set; }

    /// <summary>The source page's own "last updated" time, as the volunteer read it.</summary>
    public DateTime? SourceUpdatedAtUtc { get; private set; }

    public string? PublicNote { get; private set; }
    public string? PrivateNote { get; private set; }
    public IReadOnlyList<PassValue> Values => _values;

    public IReadOnlyDictionary<string, long?> ValuesByMetric() => _values.ToDictionary(v => v.MetricKey, v => v.Value);
}

public sealed class PassValue
{
    private PassValue()
    {
    }

    internal PassValue(string metricKey, long? value)
    {
        MetricKey = metricKey;
        Value = value;
    }

    public string MetricKey { get; private set; } = "";
    public long? Value { get; private set; }
}
