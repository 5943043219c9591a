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
}
