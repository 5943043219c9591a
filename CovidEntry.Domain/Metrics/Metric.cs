using System.Globalization;

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
/// Admins add, describe, reorder, retire and restore metrics (docs/decisions/035); the key never
/// changes (every value in history is filed under it), and the public names only while nothing
/// has been published under them.
/// </summary>
public sealed class Metric
{
    public const int KeyMaxLength = 64;
    public const int LabelMaxLength = 200;
    public const int PathMaxLength = 200;

    private Metric()
    {
    }

    public Metric(string key, string label, MetricGroup group, MetricKind kind, string v1Column, string v2Path, int displayOrder,
        long? minValue = null, long? maxValue = null, IEnumerable<string>? partOf = null)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Length > KeyMaxLength)
        {
            throw new DomainException($"A metric key must be 1 to {KeyMaxLength} characters.");
        }

        Key = key;
        V1Column = v1Column;
        V2Path = v2Path;
        DisplayOrder = displayOrder;
        IsActive = true;
        Describe(label, group, kind, minValue, maxValue, partOf ?? []);
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

    /// <summary>False once retired: no longer on new entry forms, still in history, the files and snapshots.</summary>
    public bool IsActive { get; private set; }

    /// <summary>The smallest value a pass may hold (null: no lower bound beyond 0).</summary>
    public long? MinValue { get; private set; }

    /// <summary>The largest value a pass may hold (null: no upper bound).</summary>
    public long? MaxValue { get; private set; }

    /// <summary>The keys of the metrics this one is a part of: it warns when larger than any of them.</summary>
    public string[] PartOf { get; private set; } = [];

    /// <summary>Changes what may change at any time: the words, the kind, the bounds and the quality rules.</summary>
    public void Describe(string label, MetricGroup group, MetricKind kind, long? minValue, long? maxValue, IEnumerable<string> partOf)
    {
        if (string.IsNullOrWhiteSpace(label) || label.Length > LabelMaxLength)
        {
            throw new DomainException($"A metric needs a label of at most {LabelMaxLength} characters.");
        }

        if (minValue < 0 || maxValue < 0)
        {
            throw new DomainException("A bound cannot be negative: counts never are.");
        }

        if (minValue > maxValue)
        {
            throw new DomainException("The lowest allowed value cannot be above the highest.");
        }

        var wholes = partOf.Distinct().ToArray();
        if (wholes.Contains(Key))
        {
            throw new DomainException("A metric cannot be a part of itself.");
        }

        Label = label.Trim();
        Group = group;
        Kind = kind;
        MinValue = minValue;
        MaxValue = maxValue;
        if (!wholes.SequenceEqual(PartOf))
        {
            PartOf = wholes;
        }
    }

    /// <summary>Renames the metric in the public files: only while nothing is published under the old names.</summary>
    public void Rename(string v1Column, string v2Path, bool hasValues)
    {
        if (hasValues && (v1Column != V1Column || v2Path != V2Path))
        {
            throw new DomainException($"{Key} has values already, so its v1 column and v2 path stay as they are: the files published under them would change their meaning.");
        }

        V1Column = v1Column;
        V2Path = v2Path;
    }

    public void MoveTo(int displayOrder) => DisplayOrder = displayOrder;

    public void Retire()
    {
        if (!IsActive)
        {
            throw new DomainException($"{Label} is retired already.");
        }

        IsActive = false;
    }

    public void Restore()
    {
        if (IsActive)
        {
            throw new DomainException($"{Label} is in use already.");
        }

        IsActive = true;
    }

    /// <summary>The "part of" relations of a catalog, in display order: what the warning checks take.</summary>
    public static IReadOnlyList<(string Part, string Whole)> PartsOfWholes(IEnumerable<Metric> catalog) =>
        catalog.OrderBy(m => m.DisplayOrder).ThenBy(m => m.Key, StringComparer.Ordinal)
            .SelectMany(m => m.PartOf.Select(whole => (m.Key, whole))).ToList();
}

/// <summary>A metric's allowed range as the pass form and the service check it.</summary>
public static class Bounds
{
    public static string? Refusal(long? value, long? min, long? max) => value switch
    {
        null => null,
        var v when v < min => string.Create(CultureInfo.InvariantCulture, $"This must be at least {min:#,0} (the catalog's lowest value for it); check the number."),
        var v when v > max => string.Create(CultureInfo.InvariantCulture, $"This must be at most {max:#,0} (the catalog's highest value for it); check the number."),
        _ => null,
    };

    /// <summary>What is wrong with <paramref name="text"/> as typed into a field with these bounds: not a reading, or outside them; null when fine.</summary>
    public static string? ErrorOf(string? text, long? min, long? max)
    {
        var parsed = MetricValueParser.Parse(text);
        return parsed.IsValid ? Refusal(parsed.Value, min, max) : parsed.Error;
    }
}
