using CovidEntry.App.Features.Access;
using CovidEntry.App.Data;
using CovidEntry.Domain;
using CovidEntry.Domain.Screenshots;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Screenshots;

/// <summary>A screenshot as the viewer, the archive and the timeline show it (no uploader: that is private).</summary>
public sealed record ScreenshotView(
    Guid Id,
    string JurisdictionCode,
    int? SourceId,
    string SourceLabel,
    ScreenshotOrigin Origin,
    DateTime TakenAtUtc,
    DateTime FirstSeenAtUtc,
    string Sha256,
    long ByteCount,
    int Width,
    int Height,
    string ContentType,
    bool IsPublic)
{
    public string ImageUrl => ScreenshotEndpoints.ImagePath(Sha256);
    public string ThumbnailUrl => ScreenshotEndpoints.ThumbnailPath(Sha256);
    public bool Unchanged => FirstSeenAtUtc < TakenAtUtc;
}

/// <summary>A source the viewer offers for capture or upload.</summary>
public sealed record SourceChoice(int Id, string Label, string Url);

/// <summary>A capture that is waiting or running, for the progress line beside the viewer.</summary>
public sealed record CaptureInProgress(Guid JobId, string SourceLabel, CaptureJobState State, int Tries, string? Error);

/// <summary>
/// Screenshots of a jurisdiction: the viewer's list, "capture now", uploads and pastes, and the
/// public archive.
/// </summary>
public sealed class ScreenshotService(
    IDbContextFactory<CovidEntryDbContext> dbFactory,
    ScreenshotStore store,
    ImageDecoder decoder,
    UploadRateLimit uploads,
    CaptureWorker worker,
    ActingPerson acting,
    TimeProvider clock,
    ILogger<ScreenshotService> logger)
{
    public const int ViewerLimit = 60;

    /// <summary>
    /// The screenshots to read a data date from: taken since the day before it (to compare with
    /// yesterday), newest first, at most <see cref="ViewerLimit"/>. For a day being entered now
    /// that is yesterday's and today's; for a backfill of an old date it is the newest ones.
    /// </summary>
    public async Task<IReadOnlyList<ScreenshotView>> ForDayAsync(string code, DateOnly dataDate, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var from = DateTime.SpecifyKind(dataDate.AddDays(-1).ToDateTime(TimeOnly.MinValue), DateTimeKind.Utc);
        return await Views(db, db.Screenshots.Where(s => s.JurisdictionCode == code && s.TakenAtUtc >= from)
            .OrderByDescending(s => s.TakenAtUtc).Take(ViewerLimit)).ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ScreenshotView>> ByIdsAsync(IEnumerable<Guid> ids, CancellationToken cancellationToken = default)
    {
        var list = ids.Distinct().ToList();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await Views(db, db.Screenshots.Where(s => list.Contains(s.Id))).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// A jurisdiction's archive, newest first, a page at a time: for the public only the screenshots
    /// that are public (<see cref="ScreenshotVisibility"/>), for the staff all of them.
    /// </summary>
    public async Task<IReadOnlyList<ScreenshotView>> ArchiveAsync(string code, int skip, int take, bool publicOnly, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var screenshots = db.Screenshots.Where(s => s.JurisdictionCode == code);
        if (publicOnly)
        {
            screenshots = screenshots.PublicOnly(db);
        }

        return await Views(db, screenshots.OrderByDescending(s => s.TakenAtUtc).Skip(skip).Take(take)).ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<SourceChoice>> SourcesAsync(string code, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Jurisdictions.Where(j => j.Code == code).SelectMany(j => j.Sources)
            .OrderBy(s => s.Position).Select(s => new SourceChoice(s.Id, s.Label, s.Url)).ToListAsync(cancellationToken);
    }

    /// <summary>"Capture now": one job per source (or for one source), unless one is already waiting.</summary>
    public async Task<int> RequestCaptureAsync(string code, int? sourceId, string userId, CancellationToken cancellationToken = default)
    {
        await acting.EnsureAsync(userId, Policies.EnterData, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var sources = await db.Jurisdictions.Where(j => j.Code == code).SelectMany(j => j.Sources)
            .Where(s => sourceId == null || s.Id == sourceId).Select(s => s.Id).ToListAsync(cancellationToken);
        if (sources.Count == 0)
        {
            throw new DomainException(sourceId is null ? $"{code} has no sources to capture. An admin adds them on the jurisdiction's sources page." : "That source no longer exists.");
        }

        var busy = await db.CaptureJobs.Where(j => sources.Contains(j.SourceId) && (j.State == CaptureJobState.Pending || j.State == CaptureJobState.Running))
            .Select(j => j.SourceId).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var jobs = sources.Except(busy).Select(id => CaptureJob.OnDemand(code, id, userId, now)).ToList();
        db.CaptureJobs.AddRange(jobs);
        await db.SaveChangesAsync(cancellationToken);
        worker.Wake();
        logger.LogInformation("{Count} captures of {Jurisdiction} requested by {UserId}", jobs.Count, code, userId);
        return jobs.Count;
    }

    public async Task<IReadOnlyList<CaptureInProgress>> InProgressAsync(string code, DateTime sinceUtc, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await (from job in db.CaptureJobs
                      join source in db.Set<Domain.Jurisdictions.JurisdictionSource>() on job.SourceId equals source.Id
                      where job.JurisdictionCode == code && (job.State == CaptureJobState.Pending || job.State == CaptureJobState.Running
                          || (job.State == CaptureJobState.Failed && job.FinishedAtUtc >= sinceUtc))
                      orderby job.RequestedAtUtc
                      select new CaptureInProgress(job.Id, source.Label, job.State, job.Tries, job.Error)).ToListAsync(cancellationToken);
    }

    public const string NoSuchSource = "Pick one of the jurisdiction's sources for the image.";

    public const string ChooseSource = "Choose the source the image shows before you upload or paste it: it is filed under the source you choose.";

    /// <summary>
    /// Stores an image a volunteer uploaded or pasted for one of the jurisdiction's sources.
    /// Anything that is not a readable PNG, JPEG or WebP within the limits is refused with a
    /// sentence, and nothing is stored; so is an upload past the person's limit per minute, or one
    /// the server has no memory to decode just now. The source is the person's own choice: there is
    /// no default, since an image filed under the wrong source would be evidence for the wrong page.
    /// </summary>
    public async Task<ScreenshotView> UploadAsync(string code, int? sourceId, byte[] bytes, ScreenshotOrigin origin, string userId, CancellationToken cancellationToken = default)
    {
        await acting.EnsureAsync(userId, Policies.EnterData, cancellationToken);
        if (sourceId is null)
        {
            throw new DomainException(ChooseSource);
        }

        uploads.Take(userId);
        var image = await decoder.PrepareAsync(bytes, cancellationToken);

        // A code that cannot be a jurisdiction's is refused before the query: PostgreSQL fails on a NUL
        // in a parameter, and that failure would reach the page as an error instead of a sentence.
        if (code.Length != 2 || !code.All(char.IsAsciiLetter))
        {
            throw new DomainException(NoSuchSource);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var source = await db.Jurisdictions.Where(j => j.Code == code).SelectMany(j => j.Sources)
            .Where(s => s.Id == sourceId).Select(s => new { s.Id, s.Label }).SingleOrDefaultAsync(cancellationToken)
            ?? throw new DomainException(NoSuchSource);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var stored = await store.StoreAsync(db, image, cancellationToken);
        var screenshot = Screenshot.Uploaded(code, source.Id, source.Label, origin, stored, userId, clock.GetUtcNow().UtcDateTime);
        db.Screenshots.Add(screenshot);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Screenshot {ScreenshotId} of {Jurisdiction} ({Origin}, {Bytes} bytes) stored by {UserId}", screenshot.Id, code, origin, stored.ByteCount, userId);
        return (await ByIdsAsync([screenshot.Id], cancellationToken)).Single();
    }

    internal static IQueryable<ScreenshotView> Views(CovidEntryDbContext db, IQueryable<Screenshot> screenshots) =>
        screenshots.Select(s => new ScreenshotView(s.Id, s.JurisdictionCode, s.SourceId, s.SourceLabel, s.Origin, s.TakenAtUtc,
            s.FirstSeenAtUtc, s.Sha256, s.ByteCount, s.Width, s.Height, s.ContentType,
            db.ValueVersions.Any(v => v.ScreenshotId == s.Id) || db.ScreenshotApprovals.Any(a => a.ScreenshotId == s.Id)));

    /// <summary>
    /// Makes a screenshot public on a lead's word (an upload nobody has cited yet, say). Recorded
    /// as an approval row of its own, through the DbContext, so the audit trail has who and when;
    /// approving one that is already approved changes nothing.
    /// </summary>
    public async Task ApproveAsync(Guid screenshotId, string leadUserId, CancellationToken cancellationToken = default)
    {
        await acting.EnsureAsync(leadUserId, Policies.RunShifts, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.Screenshots.AnyAsync(s => s.Id == screenshotId, cancellationToken))
        {
            throw new DomainException("That screenshot does not exist.");
        }

        if (await db.ScreenshotApprovals.AnyAsync(a => a.ScreenshotId == screenshotId, cancellationToken))
        {
            return;
        }

        db.ScreenshotApprovals.Add(ScreenshotApproval.Approve(screenshotId, leadUserId, clock.GetUtcNow().UtcDateTime));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            // Another lead approved it a moment ago: it is public either way.
            return;
        }

        logger.LogInformation("Screenshot {ScreenshotId} approved for the public by {UserId}", screenshotId, leadUserId);
    }
}
