using System.Globalization;

namespace CovidEntry.Domain.History;

/// <summary>A moment to read the published history at, as people type it and URLs carry it.</summary>
public static class AsOfTime
{
    public const string Example = "2020-12-15T00:00Z";

    /// <summary>An ISO 8601 time; one without a zone is taken as UTC.</summary>
    public static bool TryParse(string? text, out DateTimeOffset moment) =>
        DateTimeOffset.TryParse(text?.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out moment);

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
}
