namespace CovidEntry.Domain.Metrics;

public enum MetricGroup
{
    Cases,
    ViralTests,
    AntigenTests,
    AntibodyTests,
    Hospital,
    Outcomes,
}

public enum MetricKind
{
    /// <summary>A running total that should never fall (cases, deaths, tests).</summary>
    Cumulative,

    /// <summary>A count at one moment (people in hospital now).</summary>
    Current,
}

/// <summary>
/// One number that is collected. The catalog is data: adding a metric is a row, not a column.
/// </summary>
public sealed class Metric
{
    public const int KeyMaxLength = 64;
    public const int LabelMaxLength = 200;
    public const int PathMaxLength = 200;

    private Metric()
    {
    }

    public Metric(string key, string label, MetricGroup group, MetricKind kind, string v1Column, string v2Path, int displayOrder)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Length > KeyMaxLength)
        {
            throw new DomainException($"A metric key must be 1 to {KeyMaxLength} characters.");
        }

        if (string.IsNullOrWhiteSpace(label))
        {
            throw new DomainException("A metric needs a label.");
        }

        Key = key;
        Label = label;
        Group = group;
        Kind = kind;
        V1Column = v1Column;
        V2Path = v2Path;
        DisplayOrder = displayOrder;
        IsActive = true;
    }

    public string Key { get; private set; } = "";
    public string Label { get; private set; } = "";
    public MetricGroup Group { get; private set; }
    public MetricKind Kind { get; private set; }

    /// <summary>The column name in the CTP v1 CSV/JSON files.</summary>
    public string V1Column { get; private set; } = "";

    /// <summary>The dotted path in the v2 JSON document.</summary>
    public string V2Path { get; private set; } = "";

    public int DisplayOrder { get; private set; }
    public bool IsActive { get; private set; }

    /// <summary>Brings a seeded metric's descriptive fields up to date without touching its key.</summary>
    public bool UpdateFrom(Metric other)
    {
        var changed = Label != other.Label || Group != other.Group || Kind != other.Kind
            || V1Column != other.V1Column || V2Path != other.V2Path || DisplayOrder != other.DisplayOrder;
        Label = other.Label;
        Group = other.Group;
        Kind = other.Kind;
        V1Column = other.V1Column;
        V2Path = other.V2Path;
        DisplayOrder = other.DisplayOrder;
        return changed;
    }
}
