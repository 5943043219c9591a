using Microsoft.Playwright;

namespace CovidEntry.App.Features.Screenshots;

/// <summary>
/// The machine's Chromium, driven by Playwright. Nothing here downloads a browser: the machine
/// provides one (the distribution package), so captures and tests work offline and alike everywhere.
/// </summary>
public static class ChromiumBrowser
{
    /// <summary>Where to look when nothing is configured; test.sh also honours it.</summary>
    public const string EnvironmentVariable = "COVIDENTRY_CHROMIUM";

    private const string Fallback = "/usr/bin/chromium";

    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright, string? configuredPath = null, IEnumerable<string>? extraArguments = null)
    {
        ArgumentNullException.ThrowIfNull(playwright);
        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = FindExecutable(configuredPath),
            Headless = true,
            Args =
            [
                // Containers and root users have no usable sandbox; the pages we open are ones we chose.
                "--no-sandbox",
                "--disable-gpu",
                // No updater, sync or field trials: they would reach for the internet, which may not exist.
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                .. extraArguments ?? [],
            ],
        });
    }

    /// <summary>
    /// The configured path if there is one, else <c>COVIDENTRY_CHROMIUM</c>, else <c>chromium</c> on
    /// PATH, else /usr/bin/chromium.
    /// </summary>
    public static string FindExecutable(string? configuredPath = null)
    {
        var chosen = string.IsNullOrWhiteSpace(configuredPath)
            ? Environment.GetEnvironmentVariable(EnvironmentVariable)
            : configuredPath;
        if (!string.IsNullOrWhiteSpace(chosen))
        {
            return File.Exists(chosen)
                ? chosen
                : throw new InvalidOperationException(
                    $"Chromium was not found at {chosen}, the path configured in Screenshots:ChromiumPath or {EnvironmentVariable}: correct the path, or remove it to use chromium on PATH.");
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "chromium"))
            .FirstOrDefault(File.Exists);
        return onPath ?? (File.Exists(Fallback)
            ? Fallback
            : throw new InvalidOperationException(
                "Chromium was not found on PATH nor at /usr/bin/chromium. Screenshots and the browser tests use the system's Chromium and never download one: install it (apt-get install chromium; ./test.sh does) or set Screenshots:ChromiumPath."));
    }
}
