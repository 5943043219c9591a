using CovidEntry.Domain.Exports;
using CovidEntry.Domain.Metrics;

namespace CovidEntry.Tests.Benchmarks;

/// <summary>
/// A states history file in CTP's exact format, as long as asked: every jurisdiction of the seed
/// file on every day, cumulative metrics growing by a random walk, about a third of the cells
/// empty as in CTP's own history, and derived columns computed so the file is self-consistent.
/// </summary>
public static class SyntheticHistory
{
    /// <summary>CTP's final all-states-history.csv has 20,780 rows.</summary>
    public const int CtpRows = 20_780;

    public static async Task WriteAsync(string path, int days, int seed = 20201114)
    {
        var random = new Random(seed);
        var rules = CtpSample.TotalTestRules();
        var states = rules.Keys.Order(StringComparer.Ordinal).ToList();
        var metrics = CtpMetricCatalog.All;
        var columns = V1DailyCsv.Columns(metrics.Select(m => m.V1Column).Concat(CtpDerivedFields.Columns));
        var first = new DateOnly(2020, 11, 14).AddDays(-days + 1);

        // Which metrics each state reports, fixed for its whole history, like the real sources.
        var reported = states.ToDictionary(s => s, _ => metrics.Where(_ => random.NextDouble() < 0.66).Select(m => m.V1Column).ToHashSet());
        foreach (var state in states)
        {
            reported[state].Add("positive");
            reported[state].Add("negative");
            if (rules[state] != "posNeg")
            {
                reported[state].Add(rules[state]);
            }
        }

        // Cumulative totals per state, grown day by day, then written newest first.
        var totals = states.ToDictionary(s => s, _ => metrics.ToDictionary(m => m.V1Column, _ => 0L));
        var byDate = new List<V1DailyRow>[days];
        for (var day = 0; day < days; day++)
        {
            byDate[day] = [];
            foreach (var state in states)
            {
                var values = new Dictionary<string, long?>();
                foreach (var metric in metrics)
                {
                    if (!reported[state].Contains(metric.V1Column))
                    {
                        continue;
                    }

                    var running = totals[state];
                    running[metric.V1Column] = metric.Kind == MetricKind.Cumulative
                        ? running[metric.V1Column] + random.Next(0, 2_000)
                        : random.Next(0, 5_000);
                    values[metric.V1Column] = running[metric.V1Column];
                }

                byDate[day].Add(new V1DailyRow(first.AddDays(day), state, values));
            }
        }

        var newestFirst = byDate.Reverse().SelectMany(d => d).ToAsyncEnumerable();
        await using var writer = new StreamWriter(path);
        await V1DailyCsv.WriteAsync(writer, columns, V1DailyRows.WithDerivedColumns(newestFirst, s => rules[s]));
    }

    /// <summary>Days of history that give about <paramref name="timesCtp"/> times CTP's row count.</summary>
    public static int DaysFor(int timesCtp) => (int)Math.Ceiling(CtpRows * (double)timesCtp / 56);
}
