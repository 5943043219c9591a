using CovidEntry.App.Features.Screenshots;
using Microsoft.Playwright;

namespace CovidEntry.Tests.Browser;

/// <summary>
/// The system's Chromium for the test harness (the browser that drives the app as a person would),
/// so the tests never download a browser and run offline as CI does. It opens only the app under
/// test, so unlike the capture service's Chromium it may run without a sandbox (as root it must).
/// </summary>
public static class Chromium
{
    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright, IEnumerable<string>? extraArguments = null) =>
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
                .. extraArguments ?? [],
            ],
        });

    public static string FindExecutable() => ChromiumBrowser.FindExecutable();
}
