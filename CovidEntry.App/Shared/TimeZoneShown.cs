using System.Globalization;
using Microsoft.AspNetCore.Components;

namespace CovidEntry.App.Shared;

/// <summary>
/// The time zone a page shows times in: the person's browser's once the page is interactive, UTC
/// before that (while prerendering) and on static pages. Every time shown names its zone, so a
/// time is never read in the wrong one. Times are stored in UTC; only their display changes.
/// </summary>
public sealed record TimeZoneShown(TimeZoneInfo Zone, string Name)
{
    public const string DefaultFormat = "yyyy-MM-dd HH:mm";

    public static TimeZoneShown Utc { get; } = new(TimeZoneInfo.Utc, "UTC");

    public bool IsUtc => Zone == TimeZoneInfo.Utc;

    /// <summary>The zone the browser reports (an IANA name such as America/New_York); UTC for one this machine does not know.</summary>
    public static TimeZoneShown FromBrowser(string? ianaName)
    {
        if (string.IsNullOrWhiteSpace(ianaName) || ianaName is "UTC" or "Etc/UTC" or "Etc/GMT")
        {
            return Utc;
        }

        return TimeZoneInfo.TryFindSystemTimeZoneById(ianaName, out var zone) ? new TimeZoneShown(zone, ianaName) : Utc;
    }

    public DateTime ToLocal(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone);

    /// <summary>The zone as shown after a time: "UTC", or its offset from UTC at that moment ("UTC−5", "UTC+5:30").</summary>
    public string Label(DateTime utc)
    {
        if (IsUtc)
        {
            return "UTC";
        }

        var offset = Zone.GetUtcOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
        var sign = offset < TimeSpan.Zero ? "\u2212" : "+";
        var abs = offset.Duration();
        return abs.Minutes == 0
            ? $"UTC{sign}{abs.Hours.ToString(CultureInfo.InvariantCulture)}"
            : $"UTC{sign}{abs.Hours.ToString(CultureInfo.InvariantCulture)}:{abs.Minutes.ToString("00", CultureInfo.InvariantCulture)}";
    }

    /// <summary>A UTC time in this zone, with the zone named: "2020-11-14 09:02 UTC−5".</summary>
    public string Format(DateTime utc, string format = DefaultFormat) =>
        $"{ToLocal(utc).ToString(format, CultureInfo.InvariantCulture)} {Label(utc)}";

    /// <summary>As <see cref="Format(DateTime, string)"/>, or <paramref name="missing"/> when there is no time.</summary>
    public string Format(DateTime? utc, string missing, string format = DefaultFormat) =>
        utc is { } at ? Format(at, format) : missing;
}

/// <summary>
/// The zone of one person's page session, cascaded to every component as <see cref="TimeZoneShown"/>.
/// Components hear of it only when it really changes (once, when the browser names its zone), not
/// each time the layout redraws, so a page's parameters are not set again for nothing.
/// </summary>
public sealed class BrowserTimeZone
{
    public CascadingValueSource<TimeZoneShown> Source { get; } = new(TimeZoneShown.Utc, isFixed: false);

    public TimeZoneShown Current { get; private set; } = TimeZoneShown.Utc;

    public async Task SetAsync(TimeZoneShown zone)
    {
        if (zone == Current)
        {
            return;
        }

        Current = zone;
        await Source.NotifyChangedAsync(zone);
    }
}
