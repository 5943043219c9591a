using CovidEntry.App.Data;
using CovidEntry.Domain.Jurisdictions;
using CovidEntry.Domain.Screenshots;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Screenshots;

public sealed record CaptureJobRow(
    Guid Id, string JurisdictionCode, string SourceLabel, string Url, ScreenshotOrigin Origin, CaptureJobState State,
    int Tries, DateTime RequestedAtUtc, DateTime? FinishedAtUtc, int? HttpStatus, string? FinalUrl, int? DurationMs, string? Error, string? Sha256);

/// <summary>A source whose newest capture failed: shown on the dashboard and in the staleness view.</summary>
public sealed record FailingSource(string JurisdictionCode, int SourceId, string SourceLabel, DateTime FailedAtUtc, string? Error);

public sealed record CaptureDashboard(int Pending, int Running, IReadOnlyList<FailingSource> Failing, IReadOnlyList<CaptureJobRow> Recent);

/// <summary>What the capture service has been doing: waiting and running jobs, failures, recent outcomes.</summary>
public sealed class CaptureDashboardService(IDbContextFactory<CovidEntryDbContext> dbFactory)
{
    public async Task<CaptureDashboard> LoadAsync(int recent = 200, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var counts = await db.CaptureJobs.Where(j => j.State == CaptureJobState.Pending || j.State == CaptureJobState.Running)
            .GroupBy(j => j.State).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        var rows = await (from job in db.CaptureJobs
                          join source in db.Set<JurisdictionSource>() on job.SourceId equals source.Id
                          join shot in db.Screenshots on job.ScreenshotId equals shot.Id into shots
                          from shot in shots.DefaultIfEmpty()
                          orderby job.RequestedAtUtc descending
                          select new CaptureJobRow(job.Id, job.JurisdictionCode, source.Label, source.Url, job.Origin, job.State, job.Tries,
                              job.RequestedAtUtc, job.FinishedAtUtc, job.HttpStatus, job.FinalUrl, job.DurationMs, job.Error, shot == null ? null : shot.Sha256))
            .Take(recent).ToListAsync(cancellationToken);
        return new CaptureDashboard(counts.GetValueOrDefault(CaptureJobState.Pending), counts.GetValueOrDefault(CaptureJobState.Running),
            await FailingAsync(db, cancellationToken), rows);
    }

    /// <summary>Sources whose newest finished capture failed, by jurisdiction.</summary>
    public static async Task<IReadOnlyList<FailingSource>> FailingAsync(CovidEntryDbContext db, CancellationToken cancellationToken)
    {
        var newest = await (from job in db.CaptureJobs
                            join source in db.Set<JurisdictionSource>() on job.SourceId equals source.Id
                            where job.State == CaptureJobState.Failed
                                  && !db.CaptureJobs.Any(later => later.SourceId == job.SourceId && later.FinishedAtUtc > job.FinishedAtUtc
                                      && (later.State == CaptureJobState.Succeeded || later.State == CaptureJobState.Failed))
                            select new FailingSource(job.JurisdictionCode, source.Id, source.Label, job.FinishedAtUtc!.Value, job.Error))
            .ToListAsync(cancellationToken);
        return newest.OrderBy(f => f.JurisdictionCode).ThenBy(f => f.SourceLabel).ToList();
    }
}
