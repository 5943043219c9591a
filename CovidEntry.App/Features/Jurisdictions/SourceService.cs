using CovidEntry.App.Features.Access;
using CovidEntry.App.Data;
using CovidEntry.App.Shared;
using CovidEntry.Domain;
using CovidEntry.Domain.Screenshots;
using Microsoft.EntityFrameworkCore;
using CovidEntry.App.Features.Screenshots;

namespace CovidEntry.App.Features.Jurisdictions;

/// <summary>A source with its capture settings and its newest capture, for the admin's sources page.</summary>
public sealed record SourceRow(int Id, string Label, string Url, CaptureSettings Capture, DateTime? LastCaptureAtUtc, CaptureJobState? LastJobState, string? LastError);

/// <summary>An admin's changes to a jurisdiction's sources and how each is captured.</summary>
public sealed class SourceService(IDbContextFactory<CovidEntryDbContext> dbFactory, ActingPerson acting, ILogger<SourceService> logger)
{
    public async Task<IReadOnlyList<SourceRow>> ListAsync(string code, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var jurisdiction = await db.Jurisdictions.AsNoTracking().Include(j => j.Sources).SingleOrDefaultAsync(j => j.Code == code, cancellationToken)
            ?? throw new DomainException($"There is no jurisdiction {code}.");
        var ids = jurisdiction.Sources.Select(s => s.Id).ToList();
        var lastCapture = await db.Screenshots.Where(s => s.SourceId != null && ids.Contains(s.SourceId.Value))
            .GroupBy(s => s.SourceId!.Value).Select(g => new { Id = g.Key, At = g.Max(s => s.TakenAtUtc) })
            .ToDictionaryAsync(g => g.Id, g => g.At, cancellationToken);
        var lastJobs = (await db.CaptureJobs
                .Where(j => ids.Contains(j.SourceId) && !db.CaptureJobs.Any(later => later.SourceId == j.SourceId && later.RequestedAtUtc > j.RequestedAtUtc))
                .Select(j => new { j.SourceId, j.State, j.Error })
                .ToListAsync(cancellationToken))
            .ToDictionary(j => j.SourceId);
        return jurisdiction.Sources.OrderBy(s => s.Position).Select(s =>
        {
            var job = lastJobs.GetValueOrDefault(s.Id);
            return new SourceRow(s.Id, s.Label, s.Url, s.Capture, lastCapture.TryGetValue(s.Id, out var at) ? at : null,
                job?.State, job?.State == CaptureJobState.Failed ? job.Error : null);
        }).ToList();
    }

    public async Task<int> AddAsync(string code, SourceForm form, string adminUserId, CancellationToken cancellationToken = default)
    {
        await acting.EnsureAsync(adminUserId, Policies.Administer, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var jurisdiction = await db.Jurisdictions.Include(j => j.Sources).SingleOrDefaultAsync(j => j.Code == code, cancellationToken)
            ?? throw new DomainException($"There is no jurisdiction {code}.");
        var source = jurisdiction.AddSource(form.Label ?? "", form.Url ?? "", form.ToSettings());
        await db.SaveOrExplainAsync(cancellationToken);
        logger.LogInformation("Source {SourceId} ({Label}) added to {Jurisdiction} by {UserId}", source.Id, source.Label, code, adminUserId);
        return source.Id;
    }

    public async Task ChangeAsync(string code, int sourceId, SourceForm form, string adminUserId, CancellationToken cancellationToken = default)
    {
        await acting.EnsureAsync(adminUserId, Policies.Administer, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var jurisdiction = await db.Jurisdictions.Include(j => j.Sources).SingleOrDefaultAsync(j => j.Code == code, cancellationToken)
            ?? throw new DomainException($"There is no jurisdiction {code}.");
        jurisdiction.ChangeSource(sourceId, form.Label ?? "", form.Url ?? "", form.ToSettings());
        await db.SaveOrExplainAsync(cancellationToken);
        logger.LogInformation("Source {SourceId} of {Jurisdiction} changed by {UserId}", sourceId, code, adminUserId);
    }

    /// <summary>Removes a source that has never been captured; one with screenshots stays, because they are evidence.</summary>
    public async Task RemoveAsync(string code, int sourceId, string adminUserId, CancellationToken cancellationToken = default)
    {
        await acting.EnsureAsync(adminUserId, Policies.Administer, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Screenshots.AnyAsync(s => s.SourceId == sourceId, cancellationToken))
        {
            throw new DomainException("This source has screenshots, which are kept as evidence, so it cannot be removed. Change its address or clear its capture times instead.");
        }

        var jurisdiction = await db.Jurisdictions.Include(j => j.Sources).SingleOrDefaultAsync(j => j.Code == code, cancellationToken)
            ?? throw new DomainException($"There is no jurisdiction {code}.");
        jurisdiction.RemoveSource(sourceId);
        await db.SaveOrExplainAsync(cancellationToken);
        logger.LogInformation("Source {SourceId} of {Jurisdiction} removed by {UserId}", sourceId, code, adminUserId);
    }
}
