using CovidEntry.App.Data;
using CovidEntry.App.Features.Exports;
using CovidEntry.App.Features.Screenshots;
using CovidEntry.App.Shared;
using CovidEntry.Domain.Batches;
using CovidEntry.Domain.Entries;
using CovidEntry.Domain.History;
using CovidEntry.Domain.Screenshots;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.History;

/// <summary>One published version of a cell, with everyone who had a hand in it.</summary>
public sealed record TimelineVersion(
    int VersionNumber,
    Reading Value,
    DateTime PublishedAtUtc,
    int LagDays,
    Guid BatchId,
    BatchKind BatchKind,
    string? BatchNote,
    string? BatchLink,
    string ApprovedBy,
    IReadOnlyList<TimelinePass> Passes,
    TimelineResolution? Resolution,
    ScreenshotView? Screenshot = null);

public sealed record TimelinePass(int Number, string Author, long? Value, string? PublicNote, string? PrivateNote, DateTime? SourceUpdatedAtUtc,
    ValueEvidence? Evidence = null, ScreenshotView? Screenshot = null);

public sealed record TimelineResolution(ResolutionSource Source, string? Reason, string? ResolvedBy);

public sealed record CellTimeline(string Code, string JurisdictionName, DateOnly Date, string MetricKey, string MetricLabel, IReadOnlyList<TimelineVersion> Versions);

public sealed record HistoryGrid(IReadOnlyList<MetricField> Metrics, IReadOnlyList<(DateOnly Date, IReadOnlyDictionary<string, Reading> Values)> Days);

/// <summary>Reads published history for people signed in: a jurisdiction's values as of any moment, and one cell's versions.</summary>
public sealed class HistoryService(IDbContextFactory<CovidEntryDbContext> dbFactory, PublishedRows rows, UserDirectory users)
{
    /// <summary>At most this many days are shown at once, newest first.</summary>
    public const int MaxDays = 60;

    public async Task<HistoryGrid> JurisdictionAsync(string code, DateTimeOffset? asOf, CancellationToken cancellationToken = default)
    {
        var catalog = await rows.CatalogAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var catalogMetrics = await db.Metrics.AsNoTracking().OrderBy(m => m.DisplayOrder)
            .Select(m => new { m.Key, m.Label, m.Group, m.IsActive }).ToListAsync(cancellationToken);
        var keyByColumn = catalog.ColumnByMetricKey.ToDictionary(c => c.Value, c => c.Key);
        var days = new List<(DateOnly, IReadOnlyDictionary<string, Reading>)>();
        await foreach (var row in rows.RawAsync(catalog, asOf, code, cancellationToken))
        {
            days.Add((row.Date, row.Values.ToDictionary(v => keyByColumn[v.Key], v => new Reading(v.Value, row.Missing?.GetValueOrDefault(v.Key)))));
            if (days.Count == MaxDays)
            {
                break;
            }
        }

        // A retired metric stays in history: its column shows while the days shown hold a value of it.
        var metrics = catalogMetrics
            .Where(m => m.IsActive || days.Any(d => d.Item2.TryGetValue(m.Key, out var reading) && (reading.Value is not null || reading.Missing is not null)))
            .Select(m => new MetricField(m.Key, m.IsActive ? m.Label : $"{m.Label} (retired)", m.Group)).ToList();
        return new HistoryGrid(metrics, days);
    }

    /// <param name="withPrivateNotes">Private notes are for leads and admins only.</param>
    public async Task<CellTimeline?> TimelineAsync(string code, DateOnly date, string metricKey, bool withPrivateNotes, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var jurisdiction = await db.Jurisdictions.AsNoTracking().SingleOrDefaultAsync(j => j.Code == code, cancellationToken);
        var metric = await db.Metrics.AsNoTracking().SingleOrDefaultAsync(m => m.Key == metricKey, cancellationToken);
        if (jurisdiction is null || metric is null)
        {
            return null;
        }

        var versions = await db.ValueVersions.AsNoTracking()
            .Where(v => v.JurisdictionCode == code && v.DataDate == date && v.MetricKey == metricKey)
            .OrderBy(v => v.VersionNumber).ToListAsync(cancellationToken);
        var batchIds = versions.Select(v => v.BatchId).Distinct().ToList();
        var batches = await db.Batches.AsNoTracking().Where(b => batchIds.Contains(b.Id)).ToDictionaryAsync(b => b.Id, cancellationToken);
        var entries = await db.Entries.AsNoTracking().Include(e => e.Passes)
            .Where(e => batchIds.Contains(e.BatchId) && e.JurisdictionCode == code && e.DataDate == date)
            .ToDictionaryAsync(e => e.BatchId, cancellationToken);
        var names = await users.NamesAsync(
            versions.Select(v => v.PublishedByUserId)
                .Concat(entries.Values.SelectMany(e => e.Passes.Select(p => p.UserId)))
                .Concat(entries.Values.SelectMany(e => e.ResolvedValues.Select(r => r.ResolvedByUserId))), cancellationToken);
        string Name(string? id) => id is null ? "—" : names.GetValueOrDefault(id, "?");
        var cited = versions.Select(v => v.ScreenshotId)
            .Concat(entries.Values.SelectMany(e => e.Passes.Select(p => p.EvidenceByMetric().GetValueOrDefault(metricKey)?.ScreenshotId)))
            .OfType<Guid>().Distinct().ToList();
        var screenshots = await ScreenshotService.Views(db, db.Screenshots.Where(s => cited.Contains(s.Id))).ToDictionaryAsync(s => s.Id, cancellationToken);
        ScreenshotView? Shot(Guid? id) => id is { } key ? screenshots.GetValueOrDefault(key) : null;

        var timeline = versions.Select(v =>
        {
            var batch = batches[v.BatchId];
            var entry = entries.GetValueOrDefault(v.BatchId);
            var passes = entry?.Passes.OrderBy(p => p.Number)
                .Select(p => (Pass: p, Evidence: p.EvidenceByMetric().GetValueOrDefault(metricKey)))
                .Select(p => new TimelinePass(p.Pass.Number, Name(p.Pass.UserId), p.Pass.ValuesByMetric().GetValueOrDefault(metricKey), p.Pass.PublicNote,
                    withPrivateNotes ? p.Pass.PrivateNote : null, p.Pass.SourceUpdatedAtUtc, p.Evidence, Shot(p.Evidence?.ScreenshotId)))
                .ToList() ?? [];
            var resolved = entry?.ResolvedValues.SingleOrDefault(r => r.MetricKey == metricKey);
            return new TimelineVersion(v.VersionNumber, v.Reading, v.PublishedAtUtc, v.LagDays, v.BatchId, batch.Kind, batch.Note, batch.Link,
                Name(v.PublishedByUserId), passes,
                resolved is null ? null : new TimelineResolution(resolved.Source, resolved.Reason, resolved.ResolvedByUserId is null ? null : Name(resolved.ResolvedByUserId)),
                Shot(v.ScreenshotId));
        }).ToList();
        return new CellTimeline(code, jurisdiction.Name, date, metricKey, metric.Label, timeline);
    }
}

public static class HistoryExtensions
{
    public static void AddHistory(this WebApplicationBuilder builder) => builder.Services.AddScoped<HistoryService>();
}
