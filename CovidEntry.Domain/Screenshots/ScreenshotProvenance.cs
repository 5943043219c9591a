namespace CovidEntry.Domain.Screenshots;

/// <summary>
/// Where a screenshot came from, in the words shown to the public. A capture is CovidEntry's own
/// picture of a source's page; an upload or a paste is an image a volunteer gave and filed under
/// the source they chose, which nobody can vouch is that page: it is never described as the page's.
/// </summary>
public static class ScreenshotProvenance
{
    public static bool IsUpload(this ScreenshotOrigin origin) => origin is ScreenshotOrigin.Upload or ScreenshotOrigin.Paste;

    /// <summary>"capture" or "upload", as the public files name the kind.</summary>
    public static string Kind(this ScreenshotOrigin origin) => origin.IsUpload() ? "upload" : "capture";

    /// <summary>A sentence naming who made the image and which source it is filed under.</summary>
    public static string Describe(this ScreenshotOrigin origin, string sourceLabel) => origin switch
    {
        ScreenshotOrigin.Upload => $"Uploaded by a volunteer, who filed it under the source “{sourceLabel}”",
        ScreenshotOrigin.Paste => $"Pasted by a volunteer, who filed it under the source “{sourceLabel}”",
        _ => $"Captured by CovidEntry from the source “{sourceLabel}”",
    };
}
