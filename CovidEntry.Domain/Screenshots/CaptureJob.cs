namespace CovidEntry.Domain.Screenshots;

public enum CaptureJobState
{
    Pending,
    Running,
    Succeeded,
    Failed,
}

/// <summary>
/// One request to capture a source (scheduled or "capture now"), kept with its outcome so that
/// failures show on the capture dashboard and in the staleness view.
/// </summary>
public sealed class CaptureJob
{
    public const int ErrorMaxLength = 1000;

    private CaptureJob()
    {
    }

    private CaptureJob(string jurisdictionCode, int sourceId, ScreenshotOrigin origin, DateTime? slotUtc, string? requestedByUserId, DateTime nowUtc)
    {
        JurisdictionCode = jurisdictionCode;
        SourceId = sourceId;
        Origin = origin;
        SlotUtc = slotUtc;
        RequestedByUserId = requestedByUserId;
        RequestedAtUtc = nowUtc;
        State = CaptureJobState.Pending;
    }

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public string JurisdictionCode { get; private set; } = "";
    public int SourceId { get; private set; }
    public ScreenshotOrigin Origin { get; private set; }

    /// <summary>The scheduled time this job captures (one job per source and slot); null on demand.</summary>
    public DateTime? SlotUtc { get; private set; }

    public string? RequestedByUserId { get; private set; }
    public DateTime RequestedAtUtc { get; private set; }
    public CaptureJobState State { get; private set; }
    public int Tries { get; private set; }
    public DateTime? StartedAtUtc { get; private set; }
    public DateTime? FinishedAtUtc { get; private set; }
    public string? Error { get; private set; }
    public Guid? ScreenshotId { get; private set; }
    public int? HttpStatus { get; private set; }
    public string? FinalUrl { get; private set; }
    public int? DurationMs { get; private set; }

    public bool IsFinished => State is CaptureJobState.Succeeded or CaptureJobState.Failed;

    public static CaptureJob Scheduled(string jurisdictionCode, int sourceId, DateTime slotUtc, DateTime nowUtc) =>
        new(jurisdictionCode, sourceId, ScreenshotOrigin.Scheduled, slotUtc, null, nowUtc);

    public static CaptureJob OnDemand(string jurisdictionCode, int sourceId, string userId, DateTime nowUtc) =>
        new(jurisdictionCode, sourceId, ScreenshotOrigin.OnDemand, null, userId, nowUtc);

    /// <summary>Records one failed try; the job fails for good after <paramref name="maxTries"/>.</summary>
    public void FailTry(string error, PageFacts? page, int maxTries, DateTime nowUtc)
    {
        EnsureRunning();
        Tries++;
        Error = error.Length > ErrorMaxLength ? error[..ErrorMaxLength] : error;
        Record(page);
        if (Tries >= maxTries)
        {
            State = CaptureJobState.Failed;
            FinishedAtUtc = nowUtc;
        }
    }

    /// <summary>
    /// Fails the job for good at once: the page asked for an address captures must not reach, and
    /// another try would only ask again.
    /// </summary>
    public void Refuse(string error, PageFacts? page, DateTime nowUtc)
    {
        EnsureRunning();
        Tries++;
        Error = error.Length > ErrorMaxLength ? error[..ErrorMaxLength] : error;
        Record(page);
        State = CaptureJobState.Failed;
        FinishedAtUtc = nowUtc;
    }

    public void Succeed(Guid screenshotId, PageFacts page, DateTime nowUtc)
    {
        EnsureRunning();
        Tries++;
        ScreenshotId = screenshotId;
        Record(page);
        State = CaptureJobState.Succeeded;
        FinishedAtUtc = nowUtc;
    }

    /// <summary>Marks the job taken by a worker (the worker's lease is kept in the database).</summary>
    public void Start(DateTime nowUtc)
    {
        if (IsFinished)
        {
            throw new DomainException("This capture is finished.");
        }

        State = CaptureJobState.Running;
        StartedAtUtc ??= nowUtc;
    }

    private void Record(PageFacts? page)
    {
        if (page is null)
        {
            return;
        }

        HttpStatus = page.HttpStatus;
        FinalUrl = page.FinalUrl;
        DurationMs = page.DurationMs;
    }

    private void EnsureRunning()
    {
        if (State != CaptureJobState.Running)
        {
            throw new DomainException("This capture is not running.");
        }
    }
}
