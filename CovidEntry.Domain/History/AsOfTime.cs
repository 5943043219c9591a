using System.Globalization;
using System.Text.RegularExpressions;

namespace CovidEntry.Domain.History;

/// <summary>A moment to read the published history at, as people type it and URLs carry it.</summary>
public static partial class AsOfTime
{
    public const string Example = "2020-12-15T00:00Z";

    /// <summary>
    /// An ISO 8601 time and nothing else: a date (<c>2020-12-15</c>, its midnight) or a date, <c>T</c>,
    /// hours and minutes, optionally seconds and a fraction, optionally <c>Z</c> or an offset
    /// (<c>+02:00</c>, <c>+0200</c>). One without a zone is taken as UTC. Forms a culture would read
    /// differently (<c>12/15/2020</c>, <c>15 Dec 2020</c>) or a space for the <c>T</c> are refused,
    /// so a URL means the same moment to every reader.
    /// </summary>
    public static bool TryParse(string? text, out DateTimeOffset moment)
    {
        moment = default;
        // RFC 3339 allows a lower-case t and z.
        var trimmed = text?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(trimmed) || !Iso8601().IsMatch(trimmed))
        {
            return false;
        }

        return DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out moment);
    }

    /// <summary>
    /// An as-of that may be left out: none (as published now) or a time. False only when
    /// something is given that is not a time.
    /// </summary>
    public static bool TryRead(string? text, out DateTimeOffset? moment)
    {
        moment = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (!TryParse(text, out var parsed))
        {
            return false;
        }

        moment = parsed;
        return true;
    }

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,7})?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Iso8601();
}
