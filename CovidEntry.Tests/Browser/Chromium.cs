using Microsoft.Playwright;

namespace CovidEntry.Tests.Browser;

/// <summary>
/// The system's Chromium, driven by Playwright. Tests never download browsers: the machine
/// provides one (test.sh installs the distribution package), so runs work offline and match CI.
/// </summary>
public static class Chromium
{
    private const string Fallback = "/usr/bin/chromium";

    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = FindExecutable(),
            Headless = true,
            Args =
            [
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        });

    public static string FindExecutable()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "chromium"))
            .FirstOrDefault(File.Exists);
        return onPath ?? (File.Exists(Fallback)
            ? Fallback
            : throw new InvalidOperationException(
                "Chromium was not found on PATH nor at /usr/bin/chromium. The browser tests use the system's Chromium and never download one: ./test.sh installs it (apt-get install chromium)."));
    }
}
