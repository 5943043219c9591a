using System.Globalization;
using CovidEntry.App.Features.Shifts;
using CovidEntry.Domain.Metrics;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.Tests.Benchmarks;

/// <summary>
/// Numbers a volunteer could plausibly read the day after the CTP sample ends: each jurisdiction's
/// running totals as it last published them, a little higher, so that they raise no warning (a
/// falling total, a part above its whole, a spike). The deaths' parts are left out, since raising
/// all three would break their sum.
/// </summary>
public sealed class PlausibleValues
{
    /// <summary>The sample's last day: every day after it has a previous published value per field.</summary>
    public static readonly DateOnly LastImported = new(2020, 11, 14);

    private static readonly string[] Excluded = ["deathConfirmed", "deathProbable"];

    private readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> _last;
    private readonly IReadOnlyList<string> _cumulativeInOrder;

    private PlausibleValues(IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> last, IReadOnlyList<string> cumulativeInOrder)
    {
        _last = last;
        _cumulativeInOrder = cumulativeInOrder;
        Codes = [.. last.Keys.Order(StringComparer.Ordinal)];
    }

    /// <summary>All 56 jurisdictions.</summary>
    public string[] Codes { get; }

    /// <summary>Imports the CTP sample and makes the core loop's people (two leads, two volunteers).</summary>
    public static async Task<(LoopScenario Loop, PlausibleValues Values)> ArrangeAsync(TestDatabase database)
    {
        await database.ImportCtpAsync(await File.ReadAllTextAsync(CtpSample.HistoryFile));
        var loop = await new LoopScenario(database).WithPeopleAsync();
        await using var db = await database.DbAsync();
        var cumulative = await db.Metrics.AsNoTracking().Where(m => m.IsActive && m.Kind == MetricKind.Cumulative)
            .OrderBy(m => m.DisplayOrder).Select(m => m.Key).ToListAsync();
        var last = CtpSample.HistoryRows().Where(r => r["date"] == $"{LastImported:yyyy-MM-dd}").ToDictionary(r => r["state"]);
        return (loop, new PlausibleValues(last, cumulative));
    }

    /// <summary>The running totals the jurisdiction publishes, in the form's order.</summary>
    public IReadOnlyList<string> Fields(string code) =>
        [.. _cumulativeInOrder.Where(key => !Excluded.Contains(key) && _last[code].GetValueOrDefault(key) is { Length: > 0 })];

    public string Raised(string code, string key, long by) =>
        (long.Parse(_last[code][key], CultureInfo.InvariantCulture) + by).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// <paramref name="count"/> daily batches of all 56 jurisdictions from <paramref name="firstDate"/> on, one day
    /// each, double-entered, in review and approved: ready for a lead to publish.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> ReadyBatchesAsync(LoopScenario loop, int count, DateOnly firstDate)
    {
        var shifts = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var shiftId = await loop.OpenShiftAsync(firstDate.AddDays(i), Codes);
            foreach (var entry in (await loop.ShiftAsync(shiftId)).Entries)
            {
                var texts = Fields(entry.Code).ToDictionary(key => key, key => Raised(entry.Code, key, 7L * (i + 1)));
                await loop.SubmitAsync(entry.EntryId, 1, loop.Vera, texts);
                await loop.SubmitAsync(entry.EntryId, 2, loop.Cole, texts);
            }

            await loop.BeginReviewAsync(shiftId);
            await loop.ApproveAllAsync(shiftId);
            shifts.Add(shiftId);
        }

        return shifts;
    }
}
