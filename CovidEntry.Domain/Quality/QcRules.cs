using System.Globalization;
using CovidEntry.Domain.Metrics;

namespace CovidEntry.Domain.Quality;

/// <summary>The published values of one earlier day of the same jurisdiction.</summary>
public sealed record PublishedDay(DateOnly DataDate, IReadOnlyDictionary<string, long?> Values);

/// <summary>
/// What the warning checks look at for one entry. <paramref name="PartsOfWholes"/> comes from the
/// metric catalog (<see cref="Metric.PartsOfWholes"/>): (part, whole), the part never larger than the whole.
/// </summary>
public sealed record QcInput(
    string JurisdictionCode,
    DateOnly DataDate,
    IReadOnlyDictionary<string, long?> Values,
    IReadOnlyDictionary<string, MetricKind> Kinds,
    IReadOnlyList<PublishedDay> Recent,
    DateTime? SourceUpdatedAtUtc,
    DateTime NowUtc,
    IReadOnlyList<(string Part, string Whole)> PartsOfWholes);

/// <summary>The thresholds of the warning checks (configuration section <c>Quality</c>).</summary>
public sealed record QcSettings
{
    /// <summary>An increase warns when above this many times its trailing 7-day average…</summary>
    public double SpikeFactor { get; init; } = 3.0;

    /// <summary>…and larger than this, so small counts going from 2 to 9 do not cry wolf.</summary>
    public long SpikeMinimumIncrease { get; init; } = 100;

    /// <summary>A metric unchanged for this many published days while others moved warns.</summary>
    public int UnchangedDays { get; init; } = 5;

    public TimeSpan SourceMaxAge { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Clocks disagree a little; a source a few minutes "ahead" is not in the future.</summary>
    public TimeSpan SourceClockTolerance { get; init; } = TimeSpan.FromMinutes(10);
}

/// <summary>The warning checks: pure functions from an entry and its recent history to warnings.</summary>
public static class QcRules
{
    public static IReadOnlyList<QcWarning> Evaluate(QcInput input, QcSettings settings, IReadOnlyList<MutedWarning> mutedWarnings)
    {
        var recent = input.Recent.Where(d => d.DataDate < input.DataDate).OrderByDescending(d => d.DataDate).ToList();
        var warnings = new List<QcWarning>();
        warnings.AddRange(CumulativeDecreases(input, recent));
        warnings.AddRange(PartsLargerThanWholes(input));
        warnings.AddRange(DeathsNotAddingUp(input));
        warnings.AddRange(Spikes(input, recent, settings));
        warnings.AddRange(Unchanged(input, recent, settings));
        warnings.AddRange(SourceTime(input, settings));
        return warnings
            .GroupBy(w => w.Key).Select(g => g.First())
            .Where(w => !mutedWarnings.Any(s => s.Mutes(w, input.JurisdictionCode, input.DataDate)))
            .ToList();
    }

    private static IEnumerable<QcWarning> CumulativeDecreases(QcInput input, List<PublishedDay> recent)
    {
        foreach (var (key, value) in Present(input))
        {
            if (input.Kinds.GetValueOrDefault(key) == MetricKind.Cumulative && LastKnown(recent, key) is { } previous && value < previous.Value)
            {
                yield return new QcWarning(QcRule.CumulativeDecrease, key,
                    $"{key} is {N(value)}, lower than the {N(previous.Value)} published for {previous.Date:yyyy-MM-dd}; a running total should not fall.");
            }
        }
    }

    private static IEnumerable<QcWarning> PartsLargerThanWholes(QcInput input)
    {
        foreach (var (part, whole) in input.PartsOfWholes)
        {
            if (input.Values.GetValueOrDefault(part) is { } p && input.Values.GetValueOrDefault(whole) is { } w && p > w)
            {
                yield return new QcWarning(QcRule.PartExceedsWhole, part, $"{part} ({N(p)}) is larger than {whole} ({N(w)}), which it is part of.");
            }
        }
    }

    private static IEnumerable<QcWarning> DeathsNotAddingUp(QcInput input)
    {
        if (input.Values.GetValueOrDefault("death") is { } death
            && input.Values.GetValueOrDefault("deathConfirmed") is { } confirmed
            && input.Values.GetValueOrDefault("deathProbable") is { } probable
            && confirmed + probable != death)
        {
            yield return new QcWarning(QcRule.PartsDoNotAddUp, "death",
                $"deathConfirmed + deathProbable = {N(confirmed + probable)}, but death is {N(death)}.");
        }
    }

    private static IEnumerable<QcWarning> Spikes(QcInput input, List<PublishedDay> recent, QcSettings settings)
    {
        foreach (var (key, value) in Present(input).Where(p => input.Kinds.GetValueOrDefault(p.Key) == MetricKind.Cumulative))
        {
            var series = recent.Where(d => d.DataDate >= input.DataDate.AddDays(-8) && d.Values.GetValueOrDefault(key) is not null)
                .Select(d => (d.DataDate, Value: d.Values[key]!.Value)).OrderBy(d => d.DataDate).ToList();
            if (series.Count < 4 || series[^1].DataDate != input.DataDate.AddDays(-1))
            {
                continue;
            }

            var increases = series.Zip(series.Skip(1), (a, b) => (double)(b.Value - a.Value) / (b.DataDate.DayNumber - a.DataDate.DayNumber)).ToList();
            var average = increases.Average();
            var increase = value - series[^1].Value;
            if (increase > settings.SpikeMinimumIncrease && increase > settings.SpikeFactor * Math.Max(average, 0))
            {
                yield return new QcWarning(QcRule.Spike, key,
                    $"{key} rose by {N(increase)}, more than {settings.SpikeFactor.ToString("0.#", CultureInfo.InvariantCulture)} times its 7-day average increase of {N((long)Math.Round(average))}.");
            }
        }
    }

    private static IEnumerable<QcWarning> Unchanged(QcInput input, List<PublishedDay> recent, QcSettings settings)
    {
        var days = Enumerable.Range(1, settings.UnchangedDays).Select(i => input.DataDate.AddDays(-i)).ToList();
        var window = days.Select(d => recent.FirstOrDefault(r => r.DataDate == d)).ToList();
        if (window.Any(d => d is null))
        {
            return [];
        }

        var oldest = window[^1]!;
        var flat = Present(input).Where(p => window.All(d => d!.Values.GetValueOrDefault(p.Key) == p.Value)).Select(p => p.Key).ToList();
        var othersMoved = Present(input).Any(p => !flat.Contains(p.Key) && oldest.Values.GetValueOrDefault(p.Key) is { } then && then != p.Value);
        return othersMoved
            ? flat.Select(key => new QcWarning(QcRule.Unchanged, key,
                $"{key} has been {N(input.Values[key]!.Value)} for {settings.UnchangedDays + 1} days while other numbers moved."))
            : [];
    }

    private static IEnumerable<QcWarning> SourceTime(QcInput input, QcSettings settings)
    {
        if (input.SourceUpdatedAtUtc is not { } updated)
        {
            yield break;
        }

        if (updated > input.NowUtc + settings.SourceClockTolerance)
        {
            yield return new QcWarning(QcRule.SourceInFuture, QcWarning.SourceField,
                $"The source's last update ({updated:yyyy-MM-dd HH:mm} UTC) is in the future. Check the time zone.");
        }
        else if (updated < input.NowUtc - settings.SourceMaxAge)
        {
            yield return new QcWarning(QcRule.SourceStale, QcWarning.SourceField,
                $"The source was last updated {updated:yyyy-MM-dd HH:mm} UTC, more than {settings.SourceMaxAge.TotalHours:0} hours ago.");
        }
    }

    private static IEnumerable<(string Key, long Value)> Present(QcInput input) =>
        input.Values.Where(v => v.Value is not null).Select(v => (v.Key, v.Value!.Value));

    private static (DateOnly Date, long Value)? LastKnown(List<PublishedDay> recent, string key)
    {
        var day = recent.FirstOrDefault(d => d.Values.GetValueOrDefault(key) is not null);
        return day is null ? null : (day.DataDate, day.Values[key]!.Value);
    }

    private static string N(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);
}
