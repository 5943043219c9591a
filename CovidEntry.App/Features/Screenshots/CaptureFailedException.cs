namespace CovidEntry.App.Features.Screenshots;

/// <summary>
/// A capture that did not produce a shot. <see cref="Exception.Message"/> is one sentence an
/// admin can act on ("The page answered 404 Not Found."); the browser's own error, with its call
/// log, is the inner exception, for the log.
/// </summary>
public sealed class CaptureFailedException(
    string message,
    int? httpStatus,
    string? finalUrl,
    string? title,
    TimeSpan duration,
    Exception? innerException = null) : Exception(message, innerException)
{
    public int? HttpStatus { get; } = httpStatus;

    public string? FinalUrl { get; } = finalUrl;

    public string? Title { get; } = title;

    public TimeSpan Duration { get; } = duration;
}
