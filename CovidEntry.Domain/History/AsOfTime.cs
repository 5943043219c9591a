using System.Globalization;

namespace CovidEntry.Domain.History;

/// <summary>A moment to read the published history at, as people type it and URLs carry it.</summary>
public static class AsOfTime
{
    public const string Example = "2020-12-15T00:00Z";

    /// <summary>An ISO 8601 time; one without a zone is taken as UTC.</summary>
    public static bool TryParse(string? text, out DateTimeOffset moment) =>
        DateTimeOffset.TryParse(text?.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out moment);
}
