using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace CovidEntry.App.Features.Screenshots;

/// <summary>The steps of a capture, in order: a failure or a timeout is told by the step it happened in.</summary>
public enum CaptureStep
{
    Starting,
    Opening,
    Loading,
    Waiting,
    Pausing,
    FindingClickTarget,
    Clicking,
    Hiding,
    FindingElement,
    Shooting,
}

/// <summary>What one capture knows so far, to say where and how it failed.</summary>
internal sealed partial class CaptureAttempt(CaptureRecipe recipe, TimeSpan timeout)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private CaptureStep? _abandonedAt;

    public CaptureRecipe Recipe { get; } = recipe;

    public CaptureStep Step { get; set; } = CaptureStep.Starting;

    public string Selector { get; private set; } = "";

    public IPage? Page { get; set; }

    public int? HttpStatus { get; set; }

    public string? Title { get; set; }

    public TimeSpan Elapsed => _clock.Elapsed;

    public TimeSpan Remaining => timeout - _clock.Elapsed;

    /// <summary>Never 0, which Playwright reads as "no timeout".</summary>
    public float RemainingMilliseconds => (float)Math.Max(1, Remaining.TotalMilliseconds);

    public bool Abandoned
    {
        get
        {
            lock (_gate)
            {
                return _abandonedAt is not null;
            }
        }
    }

    /// <summary>
    /// Remembers the step that was running out of time, since closing the context makes the
    /// next step fail too and would otherwise take the blame.
    /// </summary>
    public void Abandon()
    {
        lock (_gate)
        {
            _abandonedAt ??= Step;
        }
    }

    public void At(CaptureStep step, string selector)
    {
        Step = step;
        Selector = selector;
    }

    public ProxySession? Session { get; set; }

    public CaptureFailedException Fail(string sentence, Exception? inner = null, bool refused = false) =>
        new(sentence, HttpStatus, FinalUrl(), Title, Elapsed, inner, refused);

    /// <summary>The failure to report when the proxy refused something this capture asked for.</summary>
    public CaptureFailedException? Refused() =>
        Session?.Refusals is [var first, ..] ? Fail(first, refused: true) : null;

    /// <summary>Why the page's own address could not be reached, when the proxy knows.</summary>
    public string? Unreachable()
    {
        var url = new Uri(Recipe.Url);
        return Session?.WhyUnreachable(url.Host, url.Port);
    }

    public string TimedOut()
    {
        var within = Seconds(timeout);
        CaptureStep step;
        lock (_gate)
        {
            step = _abandonedAt ?? Step;
        }

        return step switch
        {
            CaptureStep.Starting => $"Chromium did not start within {within}.",
            CaptureStep.Opening => $"Chromium did not open a tab within {within}.",
            CaptureStep.Loading => $"The page did not finish loading within {within}.",
            CaptureStep.Waiting => $"The selector \"{Selector}\" never appeared within {within}.",
            CaptureStep.Pausing => $"The page did not finish loading within {within}: the recipe's {Recipe.WaitMilliseconds} ms pause did not fit.",
            CaptureStep.FindingClickTarget => $"The click target \"{Selector}\" was not found within {within}.",
            CaptureStep.Clicking => $"The click target \"{Selector}\" could not be clicked within {within}: it stayed hidden, covered or disabled.",
            CaptureStep.Hiding => $"The page stopped answering within {within} while \"{Selector}\" was being hidden.",
            CaptureStep.FindingElement => $"The element \"{Selector}\" to capture never appeared within {within}.",
            _ => $"The screenshot could not be taken within {within}.",
        };
    }

    public string Failed(PlaywrightException e)
    {
        var reason = FirstLine(e.Message);
        return Step switch
        {
            CaptureStep.Starting or CaptureStep.Opening => $"Chromium could not open a tab: {reason}.",
            CaptureStep.Loading when Unreachable() is { } why => $"The page could not be reached: {why}.",
            CaptureStep.Loading when NetworkError().Match(e.Message) is { Success: true } error =>
                $"The page could not be reached ({error.Value}).",
            CaptureStep.Loading => $"The page could not be loaded: {reason}.",
            CaptureStep.Pausing => $"The page failed while the recipe paused: {reason}.",
            CaptureStep.FindingClickTarget or CaptureStep.Clicking => $"The click target \"{Selector}\" could not be clicked: {reason}.",
            CaptureStep.Shooting => $"The screenshot could not be taken: {reason}.",
            _ => $"The selector \"{Selector}\" could not be used: {reason}.",
        };
    }

    private string? FinalUrl() =>
        Page is { Url: var url } && url != "about:blank" ? url : null;

    private static string FirstLine(string message) =>
        message.Split('\n', 2)[0].Trim().TrimEnd('.');

    private static string Seconds(TimeSpan duration) =>
        duration.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";

    [GeneratedRegex(@"net::ERR_[A-Z0-9_]+")]
    private static partial Regex NetworkError();
}
