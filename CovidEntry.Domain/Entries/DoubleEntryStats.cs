namespace CovidEntry.Domain.Entries;

/// <summary>One entry whose two passes are both in: what each person typed and how mismatches were settled.</summary>
public sealed record ComparedEntry(
    DateOnly DataDate,
    string FirstUserId,
    string SecondUserId,
    IReadOnlyDictionary<string, long?> First,
    IReadOnlyDictionary<string, long?> Second,
    IReadOnlyDictionary<string, ResolutionSource> Resolutions);

/// <summary>Fields compared and how many disagreed; a person's fields also count how often the lead chose the other value.</summary>
public sealed record Rate(int Compared, int Mismatched, int Overruled = 0)
{
    public double? MismatchPercent => Compared == 0 ? null : Mismatched * 100.0 / Compared;

    public Rate Add(bool mismatched, bool overruled) => new(Compared + 1, Mismatched + (mismatched ? 1 : 0), Overruled + (overruled ? 1 : 0));
}

/// <summary>A person's or a metric's rates, overall and per week (weeks start on Monday).</summary>
public sealed record RateRow(string Key, Rate Total, IReadOnlyDictionary<DateOnly, Rate> Weeks);

public sealed record DoubleEntryReport(IReadOnlyList<RateRow> ByVolunteer, IReadOnlyList<RateRow> ByMetric, IReadOnlyList<DateOnly> Weeks);

/// <summary>
/// Double-entry statistics for training: how often each volunteer's fields and each metric's
/// fields disagreed with the other pass. A field counts when at least one pass has a value.
/// </summary>
public static class DoubleEntryStats
{
    public static DoubleEntryReport Compute(IEnumerable<ComparedEntry> entries)
    {
        var volunteers = new Dictionary<string, Dictionary<DateOnly, Rate>>();
        var metrics = new Dictionary<string, Dictionary<DateOnly, Rate>>();
        foreach (var entry in entries)
        {
            var week = WeekOf(entry.DataDate);
            foreach (var key in entry.First.Keys.Union(entry.Second.Keys))
            {
                var first = entry.First.GetValueOrDefault(key);
                var second = entry.Second.GetValueOrDefault(key);
                if (first is null && second is null)
                {
                    continue;
                }

                var mismatched = first != second;
                var resolution = entry.Resolutions.GetValueOrDefault(key, ResolutionSource.Matched);
                Count(volunteers, entry.FirstUserId, week, mismatched, mismatched && resolution is ResolutionSource.SecondPass or ResolutionSource.Typed);
                Count(volunteers, entry.SecondUserId, week, mismatched, mismatched && resolution is ResolutionSource.FirstPass or ResolutionSource.Typed);
                Count(metrics, key, week, mismatched, overruled: false);
            }
        }

        var weeks = volunteers.Values.Concat(metrics.Values).SelectMany(w => w.Keys).Distinct().Order().ToList();
        return new DoubleEntryReport(Rows(volunteers), Rows(metrics), weeks);
    }

    public static DateOnly WeekOf(DateOnly date) => date.AddDays(-(((int)date.DayOfWeek + 6) % 7));

    private static void Count(Dictionary<string, Dictionary<DateOnly, Rate>> rows, string key, DateOnly week, bool mismatched, bool overruled)
    {
        if (!rows.TryGetValue(key, out var weeks))
        {
            rows[key] = weeks = [];
        }

        weeks[week] = weeks.GetValueOrDefault(week, new Rate(0, 0)).Add(mismatched, overruled);
    }

    private static List<RateRow> Rows(Dictionary<string, Dictionary<DateOnly, Rate>> rows) =>
        rows.Select(r => new RateRow(
                r.Key,
                new Rate(r.Value.Values.Sum(w => w.Compared), r.Value.Values.Sum(w => w.Mismatched), r.Value.Values.Sum(w => w.Overruled)),
                r.Value))
            .OrderByDescending(r => r.Total.MismatchPercent).ThenBy(r => r.Key, StringComparer.Ordinal)
            .ToList();
}
