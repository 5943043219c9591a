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
    Exception? innerException = null,
    bool refused = false) : Exception(message, innerException)
{
    /// <summary>
    /// The page (or its address) asked for an address captures must not reach. Trying again would
    /// ask again, so such a capture fails at once.
    /// </summary>
    public bool Refused { get; } = refused;

    public int? HttpStatus { get; } = httpStatus;

    public string? FinalUrl { get; } = finalUrl;

    public string? Title { get; } = title;

    public TimeSpan Duration { get; } = duration;
}
