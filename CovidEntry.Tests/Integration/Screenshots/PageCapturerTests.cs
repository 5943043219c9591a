using System.Diagnostics;
using CovidEntry.App.Features.Screenshots;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;

namespace CovidEntry.Tests.Integration;

/// <summary>One loopback site and one capturer (so one Chromium) for the whole class.</summary>
public sealed class PageCapturerFixture : IAsyncLifetime
{
    private LocalPages? _pages;

    public LocalPages Pages => _pages!;

    public PageCapturer Capturer { get; } = NewCapturer();

    /// <summary>A capturer as the app wires it, except that its pages are on loopback, so private targets are allowed.</summary>
    public static PageCapturer NewCapturer() => NewCapturer(out _);

    public static PageCapturer NewCapturer(out CaptureProxy proxy)
    {
        var settings = Options.Create(new ScreenshotSettings { AllowPrivateTargets = true });
        var targets = new CaptureTargets(new DnsHostResolver(), settings);
        proxy = new CaptureProxy(targets, NullLogger<CaptureProxy>.Instance);
        return new PageCapturer(settings, proxy, targets, NullLogger<PageCapturer>.Instance);
    }

    public async Task InitializeAsync()
    {
        _pages = await LocalPages.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Capturer.DisposeAsync();
        if (_pages is not null)
        {
            await _pages.DisposeAsync();
        }
    }
}

/// <summary>Real Chromium photographing pages that a loopback site serves.</summary>
public sealed class PageCapturerTests(PageCapturerFixture fixture) : IClassFixture<PageCapturerFixture>
{
    private const int Width = 1024;
    private const int Height = 700;
    private const int White = 0xFFFFFF;

    private static readonly TimeSpan Enough = TimeSpan.FromSeconds(20);

    /// <summary>Long enough for the page itself to load on a busy machine, so what times out is the step under test.</summary>
    private static readonly TimeSpan Patient = TimeSpan.FromSeconds(8);

    /// <summary>
    /// What a failed capture may take beyond its timeout: the capturer's grace (0.5 s) and a busy
    /// machine (the suite runs Chromium and PostgreSQL side by side on two cores). Generous on
    /// purpose: the point is that a capture gives up (a hang never ends), not how quickly.
    /// </summary>
    private static readonly TimeSpan Overrun = TimeSpan.FromSeconds(10);

    private LocalPages Pages => fixture.Pages;

    private PageCapturer Capturer => fixture.Capturer;

    [Fact]
    public async Task AFullPageShotIsAPngAsWideAsTheViewportWithTheStatusAndTitle()
    {
        var shot = await Capturer.CaptureAsync(Recipe(LocalPages.Table), Enough, CancellationToken.None);

        Assert.True(Png.HasSignature(shot.Png));
        var (width, height) = Png.Size(shot.Png);
        Assert.Equal(Width, width);
        Assert.True(height >= Height, $"A full-page shot is at least the viewport's height; it was {height}.");
        Assert.Equal(200, shot.HttpStatus);
        Assert.Equal("Testland cases", shot.Title);
        Assert.Equal(Pages.Url(LocalPages.Table), shot.FinalUrl);
        Assert.True(shot.Duration > TimeSpan.Zero);
    }

    [Fact]
    public async Task ASlowPageIsWaitedForUntilItHasLoaded()
    {
        var shot = await Capturer.CaptureAsync(Recipe(LocalPages.Slow), Enough, CancellationToken.None);

        Assert.Equal(200, shot.HttpStatus);
        Assert.Equal("Testland cases", shot.Title);
        Assert.True(shot.Duration >= LocalPages.SlowDelay, $"The page took {LocalPages.SlowDelay} to answer, yet the capture took {shot.Duration}.");
    }

    [Fact]
    public async Task APageSlowerThanTheTimeoutFailsSayingItDidNotFinishLoading()
    {
        var clock = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<CaptureFailedException>(() =>
            Capturer.CaptureAsync(Recipe(LocalPages.Slow), TimeSpan.FromSeconds(1), CancellationToken.None));

        Assert.Equal("The page did not finish loading within 1 s.", failure.Message);
        Assert.Null(failure.HttpStatus);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1) + Overrun, $"The capture gave up after {clock.Elapsed}.");
    }

    [Fact]
    public async Task NumbersAddedByAScriptAreWaitedForWithTheSelector()
    {
        var shot = await Capturer.CaptureAsync(
            Recipe(LocalPages.Late) with { WaitForSelector = "#positive", ElementSelector = "#numbers" },
            Enough,
            CancellationToken.None);

        Assert.True(shot.Duration >= LocalPages.LateDelay, $"The numbers appeared after {LocalPages.LateDelay}, yet the capture took {shot.Duration}.");
        var (width, height) = Png.Size(shot.Png);
        Assert.True(width < Width && height < Height, $"Only the table was to be shot, not {width}×{height}.");
    }

    [Fact]
    public async Task NumbersBehindAButtonAreShotAfterTheButtonIsClicked()
    {
        var shot = await Capturer.CaptureAsync(
            Recipe(LocalPages.ClickToShow) with { WaitForSelector = "#show", ClickSelectors = ["#show"], ElementSelector = "#tests" },
            Enough,
            CancellationToken.None);

        Assert.Equal("Numbers shown", shot.Title);
        Assert.True(Png.HasSignature(shot.Png));
    }

    [Fact]
    public async Task ABlankWhitePageIsCapturedAsItIs()
    {
        var shot = await Capturer.CaptureAsync(Recipe(LocalPages.Blank), Enough, CancellationToken.None);

        var png = Png.Decode(shot.Png);
        Assert.Equal((Width, Height), (png.Width, png.Height));
        Assert.Null(png.FirstPixelOtherThan(White));
    }

    [Fact]
    public async Task HiddenSelectorsLeaveTheirPlaceBlankInTheShot()
    {
        var shown = Png.Decode((await Capturer.CaptureAsync(Recipe(LocalPages.Banner), Enough, CancellationToken.None)).Png);
        var hidden = Png.Decode((await Capturer.CaptureAsync(
            Recipe(LocalPages.Banner) with { HideSelectors = ["#nothing-like-this", "#banner"] },
            Enough,
            CancellationToken.None)).Png);

        Assert.Equal(0xFF0000, shown.Rgb(Width - 5, 50));
        Assert.Equal(White, hidden.Rgb(Width - 5, 50));
    }

    [Fact]
    public async Task AnElementIsShotAloneAtItsOwnSize()
    {
        var shot = await Capturer.CaptureAsync(Recipe(LocalPages.Card) with { ElementSelector = "#card" }, Enough, CancellationToken.None);

        var png = Png.Decode(shot.Png);
        Assert.InRange(png.Width, LocalPages.CardWidth - 1, LocalPages.CardWidth + 1);
        Assert.InRange(png.Height, LocalPages.CardHeight - 1, LocalPages.CardHeight + 1);
        Assert.Equal(0x22AA66, png.Rgb(png.Width - 3, png.Height - 3));
        Assert.Equal("Testland card", shot.Title);
    }

    [Fact]
    public async Task ARedirectIsFollowedAndTheFinalAddressReported()
    {
        var shot = await Capturer.CaptureAsync(Recipe(LocalPages.Moved), Enough, CancellationToken.None);

        Assert.Equal(Pages.Url(LocalPages.Table), shot.FinalUrl);
        Assert.Equal(200, shot.HttpStatus);
        Assert.Equal("Testland cases", shot.Title);
    }

    [Fact]
    public async Task APageAnswering404FailsWithTheStatusInASentence()
    {
        var failure = await Assert.ThrowsAsync<CaptureFailedException>(() =>
            Capturer.CaptureAsync(Recipe(LocalPages.Missing), Enough, CancellationToken.None));

        Assert.Equal("The page answered 404 Not Found.", failure.Message);
        Assert.Equal(404, failure.HttpStatus);
        Assert.Equal("Page not found", failure.Title);
        Assert.Equal(Pages.Url(LocalPages.Missing), failure.FinalUrl);
        Assert.True(failure.Duration > TimeSpan.Zero);
    }

    [Fact]
    public async Task ASelectorThatNeverAppearsFailsNamingItWithinTheTimeout()
    {
        var clock = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<CaptureFailedException>(() =>
            Capturer.CaptureAsync(Recipe(LocalPages.Table) with { WaitForSelector = "#never" }, Patient, CancellationToken.None));

        Assert.Equal("The selector \"#never\" never appeared within 8 s.", failure.Message);
        Assert.Equal(200, failure.HttpStatus);
        Assert.Equal("Testland cases", failure.Title);
        Assert.True(clock.Elapsed < Patient + Overrun, $"The capture gave up after {clock.Elapsed}.");
    }

    [Fact]
    public async Task AMissingClickTargetFailsNamingIt()
    {
        var failure = await Assert.ThrowsAsync<CaptureFailedException>(() =>
            Capturer.CaptureAsync(Recipe(LocalPages.Table) with { ClickSelectors = ["#nope"] }, Patient, CancellationToken.None));

        Assert.Equal("The click target \"#nope\" was not found within 8 s.", failure.Message);
    }

    [Fact]
    public async Task AnAddressWhereNothingListensFailsSayingItCouldNotBeReached()
    {
        var failure = await Assert.ThrowsAsync<CaptureFailedException>(() =>
            Capturer.CaptureAsync(Recipe(LocalPages.Table) with { Url = WebhookListener.Nowhere() }, Enough, CancellationToken.None));

        Assert.Matches(@"^The page could not be reached: nothing answered at 127\.0\.0\.1 port \d+ \(connection refused\)\.$", failure.Message);
        Assert.Null(failure.HttpStatus);
    }

    [Fact]
    public async Task AnAddressThatIsNotHttpIsRefusedBeforeAnythingOpensIt()
    {
        var failure = await Assert.ThrowsAsync<CaptureFailedException>(() =>
            Capturer.CaptureAsync(Recipe(LocalPages.Table) with { Url = "file:///etc/passwd" }, Enough, CancellationToken.None));

        Assert.Equal("The address \"file:///etc/passwd\" is not an http or https address.", failure.Message);
    }

    [Fact]
    public async Task CancellingACaptureEndsItAsCancelledNotFailed()
    {
        // The page never answers: only the cancellation can end this capture before its own timeout
        // (which would end it as a CaptureFailedException, not as cancelled).
        Pages.Html("/never", LocalPages.Document("Never", "<p>Never</p>"), delay: Timeout.InfiniteTimeSpan);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Capturer.CaptureAsync(Recipe("/never"), Enough, cancel.Token));
    }

    [Fact]
    public async Task ACaptureCancelledWhileChromiumStartsEndsAndShuttingDownLeavesNoChromium()
    {
        // A capturer of its own, so its Chromium is not started yet; the capture is cancelled while it starts.
        var capturer = PageCapturerFixture.NewCapturer(out var proxy);
        var proxyArgument = $"--proxy-server={proxy.Address}";
        using var cancel = new CancellationTokenSource();
        var capture = capturer.CaptureAsync(Recipe(LocalPages.Table), Enough, cancel.Token);
        while (!capturer.ChromiumStarting && capturer.RunningBrowser is null && !capture.IsCompleted)
        {
            await Task.Delay(10);
        }

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => capture);

        // Shutting down waits for the launch the capture left running and closes what it started.
        // (The guard only turns a hang into a failure; the capturer's own waits end well before it.)
        await capturer.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(3));
        var left = await Eventually.ReadAsync(
            () => Task.FromResult(string.Join(' ', ProcessesWhoseCommandLineHas(proxyArgument))),
            pids => pids.Length == 0);
        Assert.True(left.Length == 0, $"Chromium processes of the shut-down capturer are still running: {left}");
    }

    private static IEnumerable<string> ProcessesWhoseCommandLineHas(string argument)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            var pid = Path.GetFileName(directory);
            if (!pid.All(char.IsAsciiDigit))
            {
                continue;
            }

            string commandLine;
            try
            {
                commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
            }
            catch (IOException)
            {
                continue; // it ended while we looked
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            if (commandLine.Contains(argument, StringComparison.Ordinal))
            {
                yield return pid;
            }
        }
    }

    [Fact]
    public async Task APageWhoseScriptNeverYieldsFailsAsTimedOutInsteadOfHanging()
    {
        Pages.Html("/busy", LocalPages.Document("Busy", "<p>Loaded</p>", "<script>addEventListener('load', () => setTimeout(() => { for (;;) { } }, 0));</script>"));

        // Chromium running first (another test may just have made it go away), so that what runs out
        // of time is the page, whichever order the tests run in and however busy the machine is.
        await Capturer.CaptureAsync(Recipe(LocalPages.Blank), Enough, CancellationToken.None);
        var clock = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<CaptureFailedException>(() =>
            Capturer.CaptureAsync(Recipe("/busy") with { WaitMilliseconds = 100 }, Patient, CancellationToken.None));

        // Whether the loop begins before the load is reported or during the recipe's pause, the page never finished.
        Assert.StartsWith("The page did not finish loading within 8 s", failure.Message);
        Assert.True(clock.Elapsed < Patient + Overrun, $"The capture gave up after {clock.Elapsed}.");
    }

    [Fact]
    public async Task TwoCapturesAtOnceBothSucceed()
    {
        var table = Capturer.CaptureAsync(Recipe(LocalPages.Table), Enough, CancellationToken.None);
        var card = Capturer.CaptureAsync(Recipe(LocalPages.Card) with { ElementSelector = "#card" }, Enough, CancellationToken.None);

        var shots = await Task.WhenAll(table, card);

        Assert.Equal("Testland cases", shots[0].Title);
        Assert.Equal("Testland card", shots[1].Title);
        Assert.Equal(Width, Png.Size(shots[0].Png).Width);
        Assert.Equal(LocalPages.CardWidth, Png.Size(shots[1].Png).Width);
    }

    [Fact]
    public async Task ABrowserThatCrashedIsStartedAgainForTheNextCapture()
    {
        await using var capturer = PageCapturerFixture.NewCapturer();
        await capturer.CaptureAsync(Recipe(LocalPages.Table), Enough, CancellationToken.None);
        var first = capturer.RunningBrowser!;

        var gone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        first.Disconnected += (_, _) => gone.TrySetResult();
        var session = await first.NewBrowserCDPSessionAsync();
        // Browser.crash never answers: the browser process is gone before it could.
        _ = session.SendAsync("Browser.crash").ContinueWith(task => task.Exception, TaskScheduler.Default);
        await gone.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var shot = await capturer.CaptureAsync(Recipe(LocalPages.Table), Enough, CancellationToken.None);

        Assert.Equal("Testland cases", shot.Title);
        Assert.NotSame(first, capturer.RunningBrowser);
        Assert.True(capturer.RunningBrowser!.IsConnected);
    }

    [Fact]
    public async Task ChromiumRunsSandboxedAsAnUnprivilegedUserWithNoneOfTheAppsEnvironment()
    {
        const string secret = "COVIDENTRY_TEST_SECRET";
        Environment.SetEnvironmentVariable(secret, "Password=hunter2");
        await using var capturer = PageCapturerFixture.NewCapturer(out var proxy);
        await using var proxyOfItsOwn = proxy;

        // A capture that waits for something that never comes, so its page stays open to be looked at.
        var capturing = capturer.CaptureAsync(Recipe(LocalPages.Table) with { WaitForSelector = "#never" }, Patient, CancellationToken.None);
        List<(string Pid, string Command)> processes = [];
        while (!capturing.IsCompleted && !processes.Any(p => p.Command.Contains("--type=renderer", StringComparison.Ordinal)))
        {
            // This capturer's Chromium: the process started with its proxy's address, and its children.
            processes = Directory.GetDirectories("/proc").Select(Path.GetFileName).Where(name => name!.All(char.IsAsciiDigit))
                .Select(pid => (Pid: pid!, Command: ReadOrEmpty($"/proc/{pid}/cmdline").Replace('\0', ' ')))
                .Where(p => p.Command.Contains(proxy.Address, StringComparison.Ordinal) || p.Command.Contains("--type=", StringComparison.Ordinal) && IsChildOfChromiumWith(p.Pid, proxy.Address))
                .ToList();
            await Task.WhenAny(capturing, Task.Delay(50));
        }

        Assert.NotEmpty(processes);
        var renderers = processes.Where(p => p.Command.Contains("--type=renderer", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(renderers);
        Assert.DoesNotContain(processes, p => p.Command.Contains("--no-sandbox", StringComparison.Ordinal));
        foreach (var (pid, _) in processes)
        {
            var status = ReadOrEmpty($"/proc/{pid}/status");
            var uid = status.Split('\n').Single(line => line.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[2];
            if (ChromiumBrowser.IsRoot)
            {
                Assert.NotEqual("0", uid);
            }

            Assert.DoesNotContain("hunter2", ReadOrEmpty($"/proc/{pid}/environ"), StringComparison.Ordinal);
        }

        // The renderer, where a page's scripts run, is confined by seccomp-BPF (mode 2).
        foreach (var (pid, _) in renderers)
        {
            Assert.Contains("Seccomp:\t2", ReadOrEmpty($"/proc/{pid}/status"), StringComparison.Ordinal);
        }

        await Assert.ThrowsAsync<CaptureFailedException>(() => capturing);
    }

    [Fact]
    public async Task AsRootWithoutTheCaptureUserACaptureFailsSayingToCreateItAndNeverRunsUnsandboxed()
    {
        var settings = Options.Create(new ScreenshotSettings { AllowPrivateTargets = true, ChromiumUser = "no-such-capture-user" });
        var targets = new CaptureTargets(new DnsHostResolver(), settings);
        await using var proxy = new CaptureProxy(targets, NullLogger<CaptureProxy>.Instance);
        await using var capturer = new PageCapturer(settings, proxy, targets, NullLogger<PageCapturer>.Instance);
        var before = Pages.Requests("/as-root");
        Pages.Html("/as-root", LocalPages.Document("As root", "<h1>Hello</h1>"));

        var capturing = capturer.CaptureAsync(Recipe("/as-root"), Enough, CancellationToken.None);

        if (!ChromiumBrowser.IsRoot)
        {
            // Not root: Chromium runs as the app's own user, sandboxed, and the setting is not used.
            Assert.Equal("As root", (await capturing).Title);
            return;
        }

        var failure = await Assert.ThrowsAsync<CaptureFailedException>(() => capturing);
        Assert.StartsWith("Chromium runs as the user no-such-capture-user when the app runs as root, and there is no such user: create it", failure.Message, StringComparison.Ordinal);
        Assert.Equal(before, Pages.Requests("/as-root"));
    }

    private static bool IsChildOfChromiumWith(string pid, string proxyAddress)
    {
        for (var current = pid; current is not null and not "0" and not "1";)
        {
            var status = ReadOrEmpty($"/proc/{current}/status");
            current = status.Split('\n').FirstOrDefault(line => line.StartsWith("PPid:", StringComparison.Ordinal))?.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];
            if (current is not null && ReadOrEmpty($"/proc/{current}/cmdline").Contains(proxyAddress, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A process may end while it is looked at; it is then no longer of interest.</summary>
    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private CaptureRecipe Recipe(string path) =>
        new(Pages.Url(path), Width, Height, WaitForSelector: null, WaitMilliseconds: 0, ClickSelectors: [], HideSelectors: [], ElementSelector: null);
}
