using System.Globalization;

namespace CovidEntry.Domain.History;

/// <summary>The change of a value from its previous published one: Δ and Δ%.</summary>
public readonly record struct ValueChange(long Delta, double? Percent)
{
    /// <summary>Null when either side is missing: there is no change to speak of.</summary>
    public static ValueChange? Between(long? previous, long? current) =>
        previous is { } before && current is { } now
            ? new ValueChange(now - before, before == 0 ? null : (now - before) * 100.0 / before)
            : null;

    /// <summary>"+56 (+4.8%)", "−3 (−0.2%)", "±0", or "+12" when the previous value was zero.</summary>
    public override string ToString()
    {
        if (Delta == 0)
        {
            return "±0";
        }

        var sign = Delta > 0 ? "+" : "\u2212";
        var delta = sign + Math.Abs(Delta).ToString("#,0", CultureInfo.InvariantCulture);
        return Percent is { } percent
            ? $"{delta} ({sign}{Math.Abs(percent).ToString("0.0", CultureInfo.InvariantCulture)}%)"
            : delta;
    }
}
