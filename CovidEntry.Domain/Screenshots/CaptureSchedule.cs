namespace CovidEntry.Domain.Screenshots;

/// <summary>When a source's scheduled captures fall due.</summary>
public static class CaptureSchedule
{
    /// <summary>
    /// The most recent capture time (today's or yesterday's) at or before <paramref name="nowUtc"/>,
    /// or null when the source has no times. A slot is captured once; a missed slot (the app was
    /// down) is captured late rather than skipped, but only the latest one.
    /// </summary>
    public static DateTime? LatestSlot(IReadOnlyList<TimeOnly> timesUtc, DateTime nowUtc)
    {
        if (timesUtc.Count == 0)
        {
            return null;
        }

        var today = DateOnly.FromDateTime(nowUtc);
        var time = TimeOnly.FromDateTime(nowUtc);
        var todays = timesUtc.Where(t => t <= time).ToList();
        return todays.Count > 0
            ? DateTime.SpecifyKind(today.ToDateTime(todays.Max()), DateTimeKind.Utc)
            : DateTime.SpecifyKind(today.AddDays(-1).ToDateTime(timesUtc.Max()), DateTimeKind.Utc);
    }
}
