using CovidEntry.App.Data;
using CovidEntry.App.Shared;
using CovidEntry.Domain.Entries;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Stats;

public sealed record NamedReport(DoubleEntryReport Report, IReadOnlyDictionary<string, string> Names, DateOnly From, DateOnly To);

/// <summary>Double-entry statistics over recent data dates, for training volunteers.</summary>
public sealed class DoubleEntryStatsService(IDbContextFactory<CovidEntryDbContext> dbFactory, UserDirectory users)
{
    public async Task<NamedReport> ForAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var entries = await db.Entries.AsNoTracking().AsSplitQuery().Include(e => e.Passes)
            .Where(e => e.DataDate >= from && e.DataDate <= to && e.Passes.Count() == 2)
            .ToListAsync(cancellationToken);
        var compared = entries.Select(e => new ComparedEntry(
            e.DataDate,
            e.FirstPass!.UserId,
            e.SecondPass!.UserId,
            e.FirstPass.ValuesByMetric(),
            e.SecondPass.ValuesByMetric(),
            e.ResolvedValues.ToDictionary(r => r.MetricKey, r => r.Source))).ToList();
        var report = DoubleEntryStats.Compute(compared);
        var names = await users.NamesAsync(report.ByVolunteer.Select(r => r.Key), cancellationToken);
        return new NamedReport(report, names, from, to);
    }
}

public static class StatsExtensions
{
    public static void AddStats(this WebApplicationBuilder builder) => builder.Services.AddScoped<DoubleEntryStatsService>();
}
