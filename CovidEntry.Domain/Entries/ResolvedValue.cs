namespace CovidEntry.Domain.Entries;

public enum ResolutionSource
{
    /// <summary>Both passes agreed.</summary>
    Matched,
    FirstPass,
    SecondPass,

    /// <summary>The lead typed a third value.</summary>
    Typed,
}

/// <summary>The value of one metric that an entry will publish, and how it was decided.</summary>
public sealed class ResolvedValue
{
    public const int ReasonMaxLength = 1000;

    private ResolvedValue()
    {
    }

    internal ResolvedValue(string metricKey, long? value, ResolutionSource source, string? reason, string? resolvedByUserId, DateTime resolvedAtUtc)
    {
        MetricKey = metricKey;
        Value = value;
        Source = source;
        Reason = reason;
        ResolvedByUserId = resolvedByUserId;
        ResolvedAtUtc = resolvedAtUtc;
    }

    public string MetricKey { get; private set; } = "";
    public long? Value { get; private set; }
    public ResolutionSource Source { get; private set; }
    public string? Reason { get; private set; }
    public string? ResolvedByUserId { get; private set; }
    public DateTime ResolvedAtUtc { get; private set; }
}
