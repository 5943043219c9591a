using System.Globalization;
using CovidEntry.Domain.History;

namespace CovidEntry.Domain.Metrics;

/// <summary>The outcome of reading what a volunteer typed into a metric field.</summary>
public readonly record struct ParsedValue(long? Value, string? Error)
{
    public bool IsValid => Error is null;
}

/// <summary>
/// Reads a metric value as typed: empty means "not reported"; otherwise a whole, non-negative
/// number, written plainly (1234) or with comma thousands separators (1,234).
/// </summary>
public static class MetricValueParser
{
    public const string NotAWholeNumber = "Enter a whole number such as 1234 or 1,234.";
    public const string NoDecimals = "Enter a whole number: decimals are not allowed.";
    public const string NoNegatives = "Counts cannot be negative.";
    public const string BadGrouping = "Put commas every three digits (1,234,567) or leave them out.";
    public const string TooLarge = "That number is too large to be a count (the limit is 9,223,372,036,854,775,807).";

    public static ParsedValue Parse(string? text)
    {
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            return new ParsedValue(null, null);
        }

        if (trimmed.StartsWith('-') || trimmed.StartsWith('\u2212'))
        {
            return new ParsedValue(null, HasOnlyNumberCharacters(trimmed[1..]) ? NoNegatives : NotAWholeNumber);
        }

        if (!HasOnlyNumberCharacters(trimmed))
        {
            return new ParsedValue(null, NotAWholeNumber);
        }

        if (trimmed.Contains('.'))
        {
            return new ParsedValue(null, NoDecimals);
        }

        if (trimmed.Contains(',') && !HasValidGrouping(trimmed))
        {
            return new ParsedValue(null, BadGrouping);
        }

        var digits = trimmed.Replace(",", "", StringComparison.Ordinal);
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? new ParsedValue(value, null)
            : new ParsedValue(null, TooLarge);
    }

    /// <summary>The words a lead types for an empty value with a reason (in the edit grid).</summary>
    public static IReadOnlyDictionary<string, MissingReason> ReasonWords { get; } = new Dictionary<string, MissingReason>(StringComparer.OrdinalIgnoreCase)
    {
        ["n/a"] = MissingReason.NotApplicable,
        ["not applicable"] = MissingReason.NotApplicable,
        ["removed"] = MissingReason.RemovedBySource,
        ["suppressed"] = MissingReason.Suppressed,
    };

    public const string NotAReading = "Enter a whole number such as 1,234, leave it empty (not reported), or write n/a, removed or suppressed.";

    /// <summary>Reads a number, an empty value, or a reason word: n/a, removed, suppressed.</summary>
    public static (Reading Reading, string? Error) ParseReading(string? text)
    {
        if (text is not null && ReasonWords.TryGetValue(text.Trim(), out var reason))
        {
            return (new Reading(null, reason), null);
        }

        var parsed = Parse(text);
        if (parsed.IsValid)
        {
            return (new Reading(parsed.Value), null);
        }

        return (default, parsed.Error == NotAWholeNumber ? NotAReading : parsed.Error);
    }

    /// <summary>A reading as the edit grid shows it: the number, a reason word, or empty.</summary>
    public static string Format(Reading reading) => reading.Value is { } value
        ? Format(value)
        : reading.Missing switch
        {
            MissingReason.NotApplicable => "n/a",
            MissingReason.RemovedBySource => "removed",
            MissingReason.Suppressed => "suppressed",
            _ => "",
        };

    /// <summary>Formats a value the way the form shows it: with thousands separators.</summary>
    public static string Format(long? value) =>
        value?.ToString("#,0", CultureInfo.InvariantCulture) ?? "";

    // Only ASCII digits: char.IsDigit would let Arabic-Indic and full-width digits through.
    private static bool HasOnlyNumberCharacters(string text) =>
        text.Length > 0 && text.All(c => c is (>= '0' and <= '9') or ',' or '.') && text.Any(c => c is >= '0' and <= '9');

    private static bool HasValidGrouping(string text)
    {
        var groups = text.Split(',');
        return groups[0].Length is >= 1 and <= 3 && groups.Skip(1).All(g => g.Length == 3);
    }
}
