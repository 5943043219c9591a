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

    /// <summary>How a value was decided, in the words people use: "pass 1", "pass 2", "a typed value".</summary>
    public static string Describe(ResolutionSource source) => source switch
    {
        ResolutionSource.FirstPass => "pass 1",
        ResolutionSource.SecondPass => "pass 2",
        ResolutionSource.Typed => "a typed value",
        _ => "the value both passes agreed on",
    };
}
