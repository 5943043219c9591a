using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;

namespace CovidEntry.App.Features.Screenshots;

/// <summary>
/// Photographs web pages with one shared headless Chromium, started on first use and started
/// again if it went away. Every capture gets a browser context of its own (no cookies, cache or
/// storage carried over), so captures running at once do not see each other. It tries once:
/// retrying, judging the shot and limiting how many run at once are the caller's business.
/// Every request of a capture goes through the <see cref="CaptureProxy"/>, under a session of the
/// capture's own: a capture during which any request was refused (a non-public address) fails,
/// naming it, even when the page itself loaded.
/// </summary>
public sealed class PageCapturer(
    IOptions<ScreenshotSettings> settings,
    CaptureProxy proxy,
    CaptureTargets targets,
    ILogger<PageCapturer> logger) : IAsyncDisposable
{
    /// <summary>
    /// Playwright's per-step timeouts end at the deadline and say which step was slow; this much
    /// later the context is closed to free a step that has no timeout of its own (reading the
    /// title of a page whose script never yields), and the capture fails as timed out.
    /// </summary>
    private static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The longest wait for something with no timeout of its own: starting Playwright's driver,
    /// closing a context or the browser, a launch that shutting down waits for. A wedged Chromium
    /// or a machine under heavy load must not hold a capture, or the app's shutdown, for ever.
    /// </summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private const string HideScript =
        "elements => { elements.forEach(element => element.style.setProperty('visibility', 'hidden', 'important')); return elements.length; }";

    private readonly SemaphoreSlim _launchLock = new(1, 1);
    private Task<Launched>? _launch;
    private bool _disposed;

    /// <summary>The running browser, so tests can make it go away.</summary>
    internal IBrowser? RunningBrowser => _launch is { IsCompletedSuccessfully: true } launch ? launch.Result.Browser : null;

    /// <summary>Whether Chromium is being started, so tests can cancel a capture at that moment.</summary>
    internal bool ChromiumStarting => _launch is { IsCompleted: false };

    /// <summary>
    /// Opens <paramref name="recipe"/>'s page in a fresh context and returns a PNG of the whole
    /// page or of its element. <paramref name="timeout"/> covers everything, starting the browser
    /// included. Throws <see cref="CaptureFailedException"/> when no shot was taken (an HTTP status
    /// of 400 or more counts as a failure), and <see cref="OperationCanceledException"/> only when
    /// <paramref name="cancellationToken"/> was cancelled.
    /// </summary>
    public async Task<PageShot> CaptureAsync(CaptureRecipe recipe, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        var attempt = new CaptureAttempt(recipe, timeout);
        if (Problem(recipe) is { } problem)
        {
            throw attempt.Fail(problem);
        }

        using var expired = new CancellationTokenSource(timeout);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, expired.Token);
        using var session = proxy.OpenSession();
        attempt.Session = session;
        try
        {
            // The address itself first, for a clear sentence before any browser is involved; the
            // proxy checks it again (and everything else) when the browser asks for it.
            await CheckAddressAsync(attempt, stop.Token);
            var browser = await StartedBrowserAsync(attempt, stop.Token);
            attempt.Step = CaptureStep.Opening;
            var context = await NewContextAsync(browser, recipe, session, stop.Token);
            using var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            abandon.CancelAfter((attempt.Remaining > TimeSpan.Zero ? attempt.Remaining : TimeSpan.Zero) + Grace);
            var abandoning = abandon.Token.Register(() =>
            {
                attempt.Abandon();
                _ = CloseQuietlyAsync(context);
            });
            try
            {
                // Closing the context frees a step with no timeout of its own; should closing hang
                // as well (a wedged Chromium), the capture still ends here, and the step is left behind.
                var shooting = ShootAsync(context, attempt, stop.Token);
                _ = shooting.ContinueWith(left => left.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                var shot = await shooting.WaitAsync(abandon.Token);
                return attempt.Refused() is { } refused ? throw refused : shot;
            }
            finally
            {
                abandoning.Dispose();
                if (!attempt.Abandoned)
                {
                    // An abandoned context is already closing: waiting for a hung page to close
                    // would only stretch the capture past its timeout.
                    await CloseQuietlyAsync(context);
                }
            }
        }
        catch (CaptureFailedException e) when (!e.Refused && attempt.Refused() is { } refused)
        {
            // A page that failed because something it asked for was refused: the refusal is the news.
            throw refused;
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested && e is OperationCanceledException or PlaywrightException or TimeoutException)
        {
            throw new OperationCanceledException("The capture was cancelled.", e, cancellationToken);
        }
        catch (Exception e) when (attempt.Refused() is { } refused && e is TimeoutException or OperationCanceledException or PlaywrightException)
        {
            throw new CaptureFailedException(refused.Message, refused.HttpStatus, refused.FinalUrl, refused.Title, refused.Duration, e, refused: true);
        }
        // Playwright reports its own timeouts as System.TimeoutException.
        catch (Exception e) when (e is TimeoutException
            || (expired.IsCancellationRequested && e is OperationCanceledException or PlaywrightException))
        {
            throw attempt.Fail(attempt.TimedOut(), e);
        }
        catch (PlaywrightException e)
        {
            throw attempt.Fail(attempt.Failed(e), e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task<Launched>? launch;
        await _launchLock.WaitAsync();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            launch = _launch;
            _launch = null;
        }
        finally
        {
            _launchLock.Release();
        }

        if (launch is null)
        {
            return;
        }

        Launched launched;
        try
        {
            // A capture cancelled while Chromium was starting left the launch running; it is
            // waited for here, but not for ever.
            launched = await launch.WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("Chromium for screenshots was still starting after {Seconds} s; it is closed once it has started.", Patience.TotalSeconds);
            _ = launch.ContinueWith(started => ShutDownAsync(started.Result), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default).Unwrap();
            return;
        }
        catch (Exception e)
        {
            // The capture that waited for this launch has already reported why it failed.
            logger.LogDebug(e, "Chromium for screenshots never started, so there is nothing to close.");
            return;
        }

        await ShutDownAsync(launched);
    }

    private static async Task<PageShot> ShootAsync(IBrowserContext context, CaptureAttempt attempt, CancellationToken stop)
    {
        var recipe = attempt.Recipe;
        var page = await context.NewPageAsync();
        attempt.Page = page;

        attempt.Step = CaptureStep.Loading;
        var response = await page.GotoAsync(recipe.Url, new PageGotoOptions
        {
            WaitUntil = WaitUntilState.Load,
            Timeout = attempt.RemainingMilliseconds,
        });
        attempt.HttpStatus = response?.Status;
        attempt.Title = await page.TitleAsync();
        if (attempt.Refused() is { } refused)
        {
            throw refused;
        }

        if (response is { Status: >= 400 })
        {
            // The proxy answers 502 for a site it could not reach: say why, not "Bad Gateway".
            throw attempt.Fail(attempt.Unreachable() is { } why
                ? $"The page could not be reached: {why}."
                : $"The page answered {response.Status} {ReasonPhrase(response)}.");
        }

        if (recipe.WaitForSelector is { Length: > 0 } awaited)
        {
            attempt.At(CaptureStep.Waiting, awaited);
            await page.Locator(awaited).First.WaitForAsync(new LocatorWaitForOptions
            {
                State = WaitForSelectorState.Visible,
                Timeout = attempt.RemainingMilliseconds,
            });
        }

        if (recipe.WaitMilliseconds > 0)
        {
            attempt.Step = CaptureStep.Pausing;
            await Task.Delay(recipe.WaitMilliseconds, stop);
        }

        foreach (var target in recipe.ClickSelectors)
        {
            // Found first, then clicked, so a failure can tell "not there" from "not clickable".
            attempt.At(CaptureStep.FindingClickTarget, target);
            var locator = await FindAsync(page, target, WaitForSelectorState.Attached, attempt);
            attempt.Step = CaptureStep.Clicking;
            await locator.ClickAsync(new LocatorClickOptions { Timeout = attempt.RemainingMilliseconds });
        }

        foreach (var hidden in recipe.HideSelectors)
        {
            // Hiding something that is not there is fine: banners and pop-ups come and go.
            attempt.At(CaptureStep.Hiding, hidden);
            await page.Locator(hidden).EvaluateAllAsync<int>(HideScript);
        }

        byte[] png;
        if (recipe.ElementSelector is { Length: > 0 } element)
        {
            attempt.At(CaptureStep.FindingElement, element);
            var locator = await FindAsync(page, element, WaitForSelectorState.Visible, attempt);
            attempt.Step = CaptureStep.Shooting;
            png = await locator.ScreenshotAsync(new LocatorScreenshotOptions
            {
                Type = ScreenshotType.Png,
                Animations = ScreenshotAnimations.Disabled,
                Timeout = attempt.RemainingMilliseconds,
            });
        }
        else
        {
            attempt.Step = CaptureStep.Shooting;
            png = await page.ScreenshotAsync(new PageScreenshotOptions
            {
                FullPage = true,
                Type = ScreenshotType.Png,
                Animations = ScreenshotAnimations.Disabled,
                Timeout = attempt.RemainingMilliseconds,
            });
        }

        // Read again: scripts and clicks may have changed the title since the page loaded.
        attempt.Title = await page.TitleAsync();
        return new PageShot(png, attempt.HttpStatus, page.Url, attempt.Title, attempt.Elapsed);
    }

    /// <summary>The first element <paramref name="selector"/> finds, once it is in <paramref name="state"/> within the capture's time left.</summary>
    private static async Task<ILocator> FindAsync(IPage page, string selector, WaitForSelectorState state, CaptureAttempt attempt)
    {
        var locator = page.Locator(selector).First;
        await locator.WaitForAsync(new LocatorWaitForOptions { State = state, Timeout = attempt.RemainingMilliseconds });
        return locator;
    }

    private async Task CheckAddressAsync(CaptureAttempt attempt, CancellationToken stop)
    {
        var url = new Uri(attempt.Recipe.Url);
        var check = await targets.CheckAsync(url.Host, stop);
        if (check.Outcome == TargetCheckOutcome.Refused)
        {
            throw attempt.Fail(CaptureTargets.RefusedSentence(url.AbsoluteUri, check.Reason!), refused: true);
        }

        if (check.Outcome == TargetCheckOutcome.Unresolved)
        {
            throw attempt.Fail($"The page could not be reached: {check.Reason}.");
        }
    }

    private static string? Problem(CaptureRecipe recipe)
    {
        if (!Uri.TryCreate(recipe.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            // Anything else (file:, chrome:, data:) would let a recipe read the server's own files.
            return $"The address \"{recipe.Url}\" is not an http or https address.";
        }

        return recipe.ViewportWidth < 1 || recipe.ViewportHeight < 1
            ? $"The viewport {recipe.ViewportWidth}×{recipe.ViewportHeight} is not a size a page can be shown at."
            : null;
    }

    private static string ReasonPhrase(IResponse response) =>
        string.IsNullOrWhiteSpace(response.StatusText)
            // HTTP/2 has no reason phrase on the wire.
            ? ReasonPhrases.GetReasonPhrase(response.Status)
            : response.StatusText;

    private async Task<IBrowser> StartedBrowserAsync(CaptureAttempt attempt, CancellationToken stop)
    {
        try
        {
            return await BrowserAsync(stop);
        }
        catch (Exception e) when (e is not OperationCanceledException and not ObjectDisposedException)
        {
            var reason = e is InvalidOperationException ? e.Message : ChromiumBrowser.WhyNotStarted(e.Message, settings.Value);
            throw attempt.Fail(reason, e);
        }
    }

    private async Task<IBrowser> BrowserAsync(CancellationToken cancellationToken)
    {
        Task<Launched> launch;
        await _launchLock.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_launch is null or { IsFaulted: true } or { IsCanceled: true }
                || (_launch.IsCompletedSuccessfully && !_launch.Result.Browser.IsConnected))
            {
                _launch = LaunchAsync(_launch);
            }

            launch = _launch;
        }
        finally
        {
            _launchLock.Release();
        }

        // A caller that gives up stops waiting, but the launch goes on for the next caller: an
        // abandoned launch would leave a Chromium running that nobody closes.
        return (await launch.WaitAsync(cancellationToken)).Browser;
    }

    private async Task<Launched> LaunchAsync(Task<Launched>? previous)
    {
        if (previous is { IsCompletedSuccessfully: true })
        {
            logger.LogWarning("Chromium for screenshots went away; starting it again.");
            await ShutDownAsync(previous.Result);
        }

        var creating = Playwright.CreateAsync();
        IPlaywright playwright;
        try
        {
            playwright = await creating.WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
            // Its driver may still start: stop it then, so no process is left behind.
            _ = creating.ContinueWith(started => started.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            throw new InvalidOperationException($"Playwright's driver for Chromium did not start within {Patience.TotalSeconds:0} s.");
        }

        try
        {
            var browser = await ChromiumBrowser.LaunchForCapturesAsync(playwright, settings.Value, proxy.Address);
            logger.LogInformation("Started Chromium {Version} for screenshots.", browser.Version);
            return new Launched(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    private async Task ShutDownAsync(Launched launched)
    {
        try
        {
            await launched.Browser.CloseAsync().WaitAsync(Patience);
        }
        catch (PlaywrightException e)
        {
            logger.LogWarning(e, "Chromium for screenshots did not close cleanly.");
        }
        catch (TimeoutException)
        {
            logger.LogWarning("Chromium for screenshots did not close within {Seconds} s; its driver is stopped, which ends it.", Patience.TotalSeconds);
        }

        // Stopping the driver closes the pipe Chromium is driven through, and Chromium exits with it.
        launched.Playwright.Dispose();
    }

    /// <summary>A context of its own, so no cookie, cache or storage passes from one capture to the next.</summary>
    private async Task<IBrowserContext> NewContextAsync(IBrowser browser, CaptureRecipe recipe, ProxySession session, CancellationToken stop)
    {
        var opening = browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = recipe.ViewportWidth, Height = recipe.ViewportHeight },

            // The capture's own credential: the proxy knows whose requests it refuses, and the
            // browser-wide proxy (no credential) lets nothing else through.
            Proxy = new Proxy { Server = proxy.Address, Bypass = "<-loopback>", Username = session.User, Password = session.Password },

            // A service worker's requests would go through the proxy as well; blocked anyway, so the
            // page's requests are all the page's own.
            ServiceWorkers = ServiceWorkerPolicy.Block,
            AcceptDownloads = false,
        });
        try
        {
            // Opening a context has no timeout of its own; a stuck browser must not hold the capture.
            return await opening.WaitAsync(stop);
        }
        catch (OperationCanceledException)
        {
            _ = CloseWhenOpenedAsync(opening);
            throw;
        }
    }

    private async Task CloseWhenOpenedAsync(Task<IBrowserContext> opening)
    {
        IBrowserContext context;
        try
        {
            context = await opening.WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
            logger.LogDebug("A context that a capture gave up waiting for did not open within {Seconds} s.", Patience.TotalSeconds);
            return;
        }
        catch (PlaywrightException e)
        {
            logger.LogDebug(e, "A context that a capture gave up waiting for never opened.");
            return;
        }

        await CloseQuietlyAsync(context);
    }

    /// <summary>Closing is tidying up after the capture: its outcome must not change the capture's.</summary>
    private async Task CloseQuietlyAsync(IBrowserContext context)
    {
        try
        {
            await context.CloseAsync().WaitAsync(Patience);
        }
        catch (PlaywrightException e)
        {
            logger.LogWarning(e, "A capture's browser context could not be closed.");
        }
        catch (TimeoutException)
        {
            logger.LogWarning("A capture's browser context did not close within {Seconds} s; it goes when the browser does.", Patience.TotalSeconds);
        }
    }

    private sealed record Launched(IPlaywright Playwright, IBrowser Browser);
}
