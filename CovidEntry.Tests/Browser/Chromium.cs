using CovidEntry.App.Features.Screenshots;
using Microsoft.Playwright;

namespace CovidEntry.Tests.Browser;

/// <summary>
/// The system's Chromium, launched the way the app's screenshots launch it, so the tests never
/// download a browser and run offline as CI does.
/// </summary>
public static class Chromium
{
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright, IEnumerable<string>? extraArguments = null) =>
        ChromiumBrowser.LaunchAsync(playwright, extraArguments: extraArguments);

    public static string FindExecutable() => ChromiumBrowser.FindExecutable();
}
