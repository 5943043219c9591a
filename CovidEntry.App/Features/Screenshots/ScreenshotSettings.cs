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

    /// <summary>How long a job taken by an instance is left alone by the others (a stopped instance's job is retaken after it).</summary>
    public TimeSpan Lease => CaptureTimeout * MaxTries + RetryDelay * Math.Pow(2, MaxTries) + TimeSpan.FromMinutes(1);
}
