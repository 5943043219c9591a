using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CovidEntry.Tests.Browser;

/// <summary>
/// Base of the browser tests: the people a test opens browsers for, closed afterwards, and on a
/// failure each person's screenshot and page plus the app's output, to see what went wrong.
/// </summary>
[Collection(BrowserCollection.Name)]
public abstract class BrowserTest(BrowserFixture browser, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<BrowserUser> _people = [];

    protected BrowserFixture Browser { get; } = browser;

    public virtual Task InitializeAsync()
    {
        SetDefaultExpectTimeout(30_000);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var person in _people)
        {
            await person.DisposeAsync();
        }
    }

    /// <summary>Runs a scenario; if it fails, leaves what is needed to understand why.</summary>
    protected async Task RunAsync(Func<Task> scenario)
    {
        try
        {
            await scenario();

            // Every scenario doubles as a check that the Content-Security-Policy lets the app work.
            foreach (var person in _people)
            {
                var refused = person.CspViolations.Where(v => !IsHarmlessCspViolation(v)).ToList();
                Assert.True(refused.Count == 0, $"The Content-Security-Policy refused something for {person.Name}:\n{string.Join("\n", refused)}");
            }
        }
        catch
        {
            await ExplainFailureAsync();
            throw;
        }
    }

    /// <summary>A violation a test knows to be a probe that falls back by itself, not something broken.</summary>
    protected virtual bool IsHarmlessCspViolation(string violation) => false;

    /// <summary>A person at their own browser; in a time zone of their own and a window of the given width when asked.</summary>
    protected async Task<BrowserUser> PersonAsync(string name, string? timeZone = null, int? width = null)
    {
        var person = await Browser.NewUserAsync(name, timeZone, width);
        _people.Add(person);
        return person;
    }

    /// <summary>Fills a native date field: Playwright sets its value; leaving the field commits it.</summary>
    protected static async Task FillDateAsync(ILocator field, string date)
    {
        await field.FillAsync(date);
        await field.PressAsync("Tab");
        await Expect(field).ToHaveValueAsync(date);
    }

    /// <summary>
    /// Picks an option of a MudSelect as a person would, and waits until the choice has reached the server:
    /// the options close and the field shows the choice (a click landing while they close is otherwise lost).
    /// </summary>
    protected static async Task ChooseAsync(ILocator combobox, string option)
    {
        var page = combobox.Page;
        await combobox.ClickAsync();
        await page.Locator(".mud-popover-open").GetByRole(AriaRole.Option, new() { Name = option, Exact = true }).ClickAsync();
        await Expect(page.Locator(".mud-popover-open")).ToHaveCountAsync(0);
        await Expect(combobox).ToContainTextAsync(option);
    }

    protected static Task ChooseAsync(IPage page, string select, string option) =>
        ChooseAsync(page.GetByRole(AriaRole.Combobox, new() { Name = select }), option);

    private async Task ExplainFailureAsync()
    {
        foreach (var person in _people)
        {
            var file = Path.Combine(Path.GetTempPath(), $"covidentry-browser-{GetType().Name}-{person.Name}.png");
            try
            {
                await person.Page.ScreenshotAsync(new() { Path = file, FullPage = true });
                output.WriteLine($"{person.Name} was at {person.Page.Url}; screenshot: {file}");
                await File.WriteAllTextAsync(file + ".html", await person.Page.ContentAsync());
            }
            catch (PlaywrightException ex)
            {
                output.WriteLine($"{person.Name}: no screenshot ({ex.Message})");
            }
        }

        output.WriteLine("App output:");
        output.WriteLine(Browser.AppOutput);
    }
}
