using CovidEntry.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CovidEntry.Tests.Browser;

/// <summary>
/// Base of the browser tests that drive an app of their own (a class fixture with settings or data
/// the shared browser app's other tests must not see): Chromium for the class, the people it opens
/// browsers for, closed afterwards, and on a failure where each person was plus the app's output.
/// </summary>
public abstract class OwnAppBrowserTest(RunningApp app, ITestOutputHelper output, int expectTimeoutMilliseconds) : IAsyncLifetime
{
    private readonly List<BrowserUser> _people = [];
    private IPlaywright _playwright = null!;
    private IBrowser _chromium = null!;

    public async Task InitializeAsync()
    {
        SetDefaultExpectTimeout(expectTimeoutMilliseconds);
        _playwright = await Playwright.CreateAsync();
        _chromium = await Chromium.LaunchAsync(_playwright);
    }

    public async Task DisposeAsync()
    {
        foreach (var person in _people)
        {
            await person.DisposeAsync();
        }

        await _chromium.DisposeAsync();
        _playwright.Dispose();
    }

    /// <summary>A person at a browser of their own, on this class's app.</summary>
    protected async Task<BrowserUser> PersonAsync(string name)
    {
        var context = await _chromium.NewContextAsync(new BrowserNewContextOptions { BaseURL = app.BaseUrl + "/" });
        var person = await BrowserUser.CreateAsync(name, context);
        _people.Add(person);
        return person;
    }

    /// <summary>The email a person arranged through the app's services signs in with.</summary>
    protected static async Task<string> EmailOfAsync(TestDatabase database, string userId)
    {
        using var scope = database.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<App.Data.ApplicationUser>>().FindByIdAsync(userId))!.Email!;
    }

    /// <summary>Runs a scenario; if it fails, writes where each person was (with a screenshot) and the app's output.</summary>
    protected async Task ExplainingAsync(IReadOnlyList<BrowserUser> people, Func<Task> scenario)
    {
        try
        {
            await scenario();
        }
        catch
        {
            foreach (var person in people)
            {
                output.WriteLine($"{person.Name} was at {person.Page.Url}");
                await person.Page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), $"{GetType().Name}-{person.Name}.png"), FullPage = true });
            }

            output.WriteLine(app.Output);
            throw;
        }
    }
}
