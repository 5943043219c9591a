using CovidEntry.App.Data;
using CovidEntry.App.Features.History;
using CovidEntry.Domain.Metrics;
using CovidEntry.Domain.Quality;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CovidEntry.App.Features.Quality;

/// <summary>
/// Everything the warning checks need about one jurisdiction and date, loaded once, so a form
/// can re-check on every keystroke without going back to the database.
/// </summary>
public sealed record QcContext(
    string JurisdictionCode,
    DateOnly DataDate,
    IReadOnlyList<PublishedDay> Recent,
    IReadOnlyDictionary<string, MetricKind> Kinds,
    IReadOnlyList<MutedWarning> MutedWarnings,
    QcSettings Settings,
    IReadOnlyList<(string Part, string Whole)> PartsOfWholes)
{
    /// <summary>The newest published day before the entry's date, if any.</summary>
    public PublishedDay? Previous => Recent.Where(d => d.DataDate < DataDate).MaxBy(d => d.DataDate);

    public IReadOnlyList<QcWarning> Check(IReadOnlyDictionary<string, long?> values, DateTime? sourceUpdatedAtUtc, DateTime nowUtc) =>
        QcRules.Evaluate(new QcInput(JurisdictionCode, DataDate, values, Kinds, Recent, sourceUpdatedAtUtc, nowUtc, PartsOfWholes), Settings, MutedWarnings);
}

public sealed class QualityService(IDbContextFactory<CovidEntryDbContext> dbFactory, IOptions<QcSettings> settings)
{
    /// <summary>How many published days back the checks look (the spike average needs eight).</summary>
    private const int DaysBack = 10;

    public async Task<QcContext> ContextAsync(string code, DateOnly dataDate, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var recent = (await PublishedDays.BeforeAsync(db, [code], dataDate, DaysBack, cancellationToken))[code].ToList();
        var catalog = await db.Metrics.AsNoTracking().ToListAsync(cancellationToken);
        var kinds = catalog.ToDictionary(m => m.Key, m => m.Kind);
        var mutedWarnings = await db.MutedWarnings.AsNoTracking()
            .Where(s => s.JurisdictionCode == code && s.UntilDate >= dataDate).ToListAsync(cancellationToken);
        return new QcContext(code, dataDate, recent, kinds, mutedWarnings, settings.Value, Metric.PartsOfWholes(catalog));
    }
}
