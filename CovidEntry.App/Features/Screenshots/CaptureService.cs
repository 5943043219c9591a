using CovidEntry.App.Data;
using CovidEntry.Domain;
using CovidEntry.Domain.Screenshots;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CovidEntry.App.Features.Screenshots;

/// <summary>
/// Runs one capture job: up to <see cref="ScreenshotSettings.MaxTries"/> tries, each with a time
/// limit; a failed page, a blank or near-uniform image or an unreadable one is a failed try. A
/// good capture is stored, and a capture that differs from the source's previous one marks the
/// jurisdiction's sources changed, which moves it up the shift queue.
/// </summary>
public sealed class CaptureService(
    IDbContextFactory<CovidEntryDbContext> dbFactory,
    PageCapturer capturer,
    ScreenshotStore store,
    ImageDecoder decoder,
    IOptions<ScreenshotSettings> settings,
    TimeProvider clock,
    ILogger<CaptureService> logger)
{
    public async Task RunAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var options = settings.Value;
        CaptureRecipe recipe;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var job = await db.CaptureJobs.SingleAsync(j => j.Id == jobId, cancellationToken);
            var source = await db.Jurisdictions.AsNoTracking().Where(j => j.Code == job.JurisdictionCode)
                .SelectMany(j => j.Sources).SingleAsync(s => s.Id == job.SourceId, cancellationToken);
            recipe = RecipeFor(source);
            job.Start(clock.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync(cancellationToken);
        }

        for (var attempt = 1; ; attempt++)
        {
            var outcome = await TryOnceAsync(recipe, options, cancellationToken);
            if (outcome.Image is { } image)
            {
                await SucceedAsync(jobId, image, outcome.Page!, cancellationToken);
                return;
            }

            var finished = await FailTryAsync(jobId, outcome.Error!, outcome.Page, outcome.Refused ? 0 : options.MaxTries, cancellationToken);
            if (finished)
            {
                logger.LogWarning("Capture job {JobId} of {Url} failed after {Tries} tries: {Error}", jobId, recipe.Url, attempt, outcome.Error);
                return;
            }

            logger.LogInformation("Capture job {JobId} of {Url}: try {Try} failed ({Error}); retrying", jobId, recipe.Url, attempt, outcome.Error);
            await Task.Delay(options.RetryDelay * Math.Pow(2, attempt - 1), clock, cancellationToken);
        }
    }

    public static CaptureRecipe RecipeFor(Domain.Jurisdictions.JurisdictionSource source)
    {
        var capture = source.Capture;
        return new CaptureRecipe(source.Url, capture.ViewportWidth, capture.ViewportHeight, capture.WaitForSelector,
            capture.WaitMilliseconds, capture.ClickSelectors, capture.HideSelectors, capture.ElementSelector);
    }

    /// <summary>One try: either a usable image or the sentence saying why not, with what the browser saw.</summary>
    private sealed record TryOutcome(SanitizedImage? Image, string? Error, PageFacts? Page, bool Refused = false);

    private async Task<TryOutcome> TryOnceAsync(CaptureRecipe recipe, ScreenshotSettings options, CancellationToken cancellationToken)
    {
        try
        {
            var shot = await capturer.CaptureAsync(recipe, options.CaptureTimeout, cancellationToken);
            var page = new PageFacts(shot.HttpStatus, shot.FinalUrl, shot.Title, (int)shot.Duration.TotalMilliseconds);
            // A full-page capture can be tall: it is decoded within the same budget as uploads.
            var sanitized = await decoder.SanitizeAsync(shot.Png, cancellationToken);
            if (sanitized.Image is not { } image)
            {
                return new TryOutcome(null, $"The capture could not be used: {sanitized.Refusal?.Message}", page);
            }

            return image.NearlyUniform
                ? new TryOutcome(null, "The page came out blank (the image is one flat colour): it may not have finished drawing.", page)
                : new TryOutcome(image, null, page);
        }
        catch (CaptureFailedException ex)
        {
            return new TryOutcome(null, ex.Message, new PageFacts(ex.HttpStatus, ex.FinalUrl, ex.Title, (int)ex.Duration.TotalMilliseconds), ex.Refused);
        }
    }

    private async Task SucceedAsync(Guid jobId, SanitizedImage image, PageFacts page, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var job = await db.CaptureJobs.SingleAsync(j => j.Id == jobId, cancellationToken);
        var jurisdiction = await db.Jurisdictions.Include(j => j.Sources).SingleAsync(j => j.Code == job.JurisdictionCode, cancellationToken);
        var source = jurisdiction.Sources.SingleOrDefault(s => s.Id == job.SourceId)
            ?? throw new DomainException("The source was removed while it was being captured.");
        var previous = await db.Screenshots
            .Where(s => s.SourceId == job.SourceId && (s.Origin == ScreenshotOrigin.Scheduled || s.Origin == ScreenshotOrigin.OnDemand))
            .OrderByDescending(s => s.TakenAtUtc).FirstOrDefaultAsync(cancellationToken);
        var stored = await store.StoreAsync(db, image, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var screenshot = Screenshot.Captured(job.JurisdictionCode, source.Id, source.Label, job.Origin, stored, page, previous, now);
        db.Screenshots.Add(screenshot);
        if (screenshot.ChangedFrom(previous))
        {
            jurisdiction.MarkSourceChanged(now);
            logger.LogInformation("Source {SourceId} of {Jurisdiction} changed: its capture differs from the one at {Previous:u}", source.Id, job.JurisdictionCode, previous!.TakenAtUtc);
        }

        job.Succeed(screenshot.Id, page, now);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Records a failed try; <paramref name="maxTries"/> 0 fails the job for good (a refused address).</summary>
    private async Task<bool> FailTryAsync(Guid jobId, string error, PageFacts? page, int maxTries, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var job = await db.CaptureJobs.SingleAsync(j => j.Id == jobId, cancellationToken);
        if (maxTries == 0)
        {
            job.Refuse(error, page, clock.GetUtcNow().UtcDateTime);
        }
        else
        {
            job.FailTry(error, page, maxTries, clock.GetUtcNow().UtcDateTime);
        }

        await db.SaveChangesAsync(cancellationToken);
        return job.IsFinished;
    }
}
