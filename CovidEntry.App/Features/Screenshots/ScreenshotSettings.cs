namespace CovidEntry.App.Features.Screenshots;

/// <summary>Configuration section <c>Screenshots</c>.</summary>
public sealed class ScreenshotSettings
{
    public const string Section = "Screenshots";

    /// <summary>A Chromium to use instead of the one found on PATH or at /usr/bin/chromium.</summary>
    public string? ChromiumPath { get; set; }

    /// <summary>How long one capture may take, from launching the browser to the PNG.</summary>
    public int CaptureTimeoutSeconds { get; set; } = 30;

    public TimeSpan CaptureTimeout => TimeSpan.FromSeconds(CaptureTimeoutSeconds);

    public int MaxTries { get; set; } = 4;

    /// <summary>Each capture is a browser tab with a page's scripts running: this bounds memory and CPU.</summary>
    public int MaxConcurrentCaptures { get; set; } = 2;

    /// <summary>Off on an instance that should not capture (the jobs wait for one that does).</summary>
    public bool CaptureEnabled { get; set; } = true;

    /// <summary>The wait before the second try; it doubles for each try after that.</summary>
    public double RetryDelaySeconds { get; set; } = 2;

    public TimeSpan RetryDelay => TimeSpan.FromSeconds(RetryDelaySeconds);

    /// <summary>How often the worker looks for due and waiting captures ("capture now" wakes it at once).</summary>
    public double PollSeconds { get; set; } = 5;

    public TimeSpan PollInterval => TimeSpan.FromSeconds(PollSeconds);

    /// <summary>
    /// Lets captures reach loopback, private and every other non-public address. Off: a source
    /// page, its redirects and everything it loads must be on the public internet. Only for tests
    /// (their pages are served on loopback) and for a closed network whose every host may be shown.
    /// </summary>
    public bool AllowPrivateTargets { get; set; }

    /// <summary>
    /// The unprivileged account Chromium runs as when the app runs as root (Chromium's sandbox
    /// does not start as root); created by run.sh, test.sh and the image.
    /// </summary>
    public string ChromiumUser { get; set; } = "covidentry-capture";

    /// <summary>Memory all image decodes at once may use (uploads and captures together), in MB.</summary>
    public int DecodeMemoryMegabytes { get; set; } = 512;

    /// <summary>Images decoded at once; more wait for a turn.</summary>
    public int MaxConcurrentDecodes { get; set; } = 2;

    /// <summary>How long an image waits for memory or a turn before it is refused as "busy".</summary>
    public double DecodeWaitSeconds { get; set; } = 10;

    public TimeSpan DecodeWait => TimeSpan.FromSeconds(DecodeWaitSeconds);

    /// <summary>Images one person may upload or paste in a minute (on one instance); more are refused until the minute is over.</summary>
    public int UploadsPerMinute { get; set; } = 20;

    /// <summary>How long a job taken by an instance is left alone by the others (a stopped instance's job is retaken after it).</summary>
    public TimeSpan Lease => CaptureTimeout * MaxTries + RetryDelay * Math.Pow(2, MaxTries) + TimeSpan.FromMinutes(1);
}
