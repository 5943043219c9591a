using CovidEntry.Domain.People;
using CovidEntry.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CovidEntry.Tests.Browser;

/// <summary>An app of its own: the walk below changes the catalog, which the shared browser app's other tests rely on.</summary>
public sealed class CatalogRunningApp : RunningApp
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Screenshots__CaptureEnabled"] = "false",
    };
}

/// <summary>An admin manages the metric catalog in Chromium, and a volunteer's pass form follows it.</summary>
public sealed class MetricCatalogBrowserTests(CatalogRunningApp app, ITestOutputHelper output)
    : OwnAppBrowserTest(app, output, expectTimeoutMilliseconds: 30_000), IClassFixture<CatalogRunningApp>
{
    private const string Label = "Deaths in long-term care";
    [Fact]
    public async Task AnAdminAddsReordersAndRetiresAMetricByKeyboardAndThePassFormFollows()
    {
        await using var database = new TestDatabase(createDatabase: () => Task.FromResult(app.ConnectionString));
        await database.InitializeAsync();
        var loop = await new LoopScenario(database).WithPeopleAsync();
        var shiftId = await loop.OpenShiftAsync(new DateOnly(2020, 11, 20), "VT");
        var passPath = $"entries/{await loop.EntryIdAsync(shiftId, "VT")}/pass/1";

        var ada = await PersonAsync("Ada");
        var vera = await PersonAsync("Vera");
        await ExplainingAsync([ada, vera], async () =>
        {
            await ada.SignInAsync(await EmailOfAsync(database, loop.Admin), TestDatabase.Password);
            await ada.OpenAsync("admin/metrics");
            var page = ada.Page;
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Metric catalog" })).ToBeVisibleAsync();
            await Expect(Rows(page)).ToHaveCountAsync(28);
            await Accessibility.AssertAccessibleAsync(ada, "metric catalog");

            // Add a metric, by keyboard; the names that would break the public files are refused at their field.
            await PressAsync(page.GetByRole(AriaRole.Button, new() { Name = "Add a metric" }), "Enter");
            var key = page.GetByLabel("Key", new() { Exact = true });
            await Expect(key).ToBeFocusedAsync();
            await key.PressSequentiallyAsync("deathLongTermCare");
            await page.Keyboard.PressAsync("Tab");
            await Expect(page.GetByLabel("Label", new() { Exact = true })).ToBeFocusedAsync();
            await page.Keyboard.TypeAsync(Label);
            await page.GetByLabel("Group").SelectOptionAsync(new SelectOptionValue { Label = "Outcomes" });
            await page.GetByLabel("v1 column").FillAsync("deathIncrease");
            await page.GetByLabel("v2 path").FillAsync("outcomes.death.total.long_term_care");
            await Expect(page.GetByText("The v1 files already have a column of this name (a fixed or derived one); choose another.")).ToBeVisibleAsync();
            await Expect(page.GetByText("The v2 path outcomes.death.total.long_term_care of deathLongTermCare runs through the value of death.", new() { Exact = false })).ToBeVisibleAsync();
            await page.GetByLabel("Lowest allowed value").FillAsync("10");
            await page.GetByLabel("Highest allowed value").FillAsync("5");
            await Expect(page.GetByText("The highest allowed value must be at least the lowest.")).ToBeVisibleAsync();
            await Accessibility.AssertAccessibleAsync(ada, "metric form with messages at its fields");

            await page.GetByLabel("v1 column").FillAsync("deathLongTermCare");
            await page.GetByLabel("v2 path").FillAsync("outcomes.death.long_term_care");
            await page.GetByLabel("Lowest allowed value").FillAsync("");
            await page.GetByLabel("Highest allowed value").FillAsync("1000000");
            await page.GetByLabel("Add a whole").SelectOptionAsync(new SelectOptionValue { Label = "Deaths (confirmed + probable) (death)" });
            await Expect(page.GetByRole(AriaRole.List, new() { Name = "Wholes this metric is part of" })).ToContainTextAsync("Deaths (confirmed + probable) (death)");
            await PressAsync(page.GetByRole(AriaRole.Button, new() { Name = "Add metric" }), "Enter");
            await Expect(page.GetByTestId("catalog-notice")).ToContainTextAsync($"{Label} is added at the end of the catalog");
            await Expect(Rows(page)).ToHaveCountAsync(29);
            await Expect(Rows(page).Last).ToHaveAttributeAsync("data-metric", "deathLongTermCare");

            // Move it up twice with the keyboard: the focus stays on the button, so Enter moves it again.
            var up = page.GetByRole(AriaRole.Button, new() { Name = $"Move {Label} up" });
            await PressAsync(up, "Enter");
            await Expect(page.GetByTestId("catalog-notice")).ToHaveTextAsync($"{Label} moved up.");
            await Expect(up).ToBeFocusedAsync();
            await page.Keyboard.PressAsync("Enter");
            await Expect(Rows(page).Nth(26)).ToHaveAttributeAsync("data-metric", "deathLongTermCare");
            await Expect(Rows(page).Nth(27)).ToHaveAttributeAsync("data-metric", "deathProbable");
            await Accessibility.AssertAccessibleAsync(ada, "metric catalog after a move");

            // The volunteer's pass form asks for it in the catalog's order, and holds it to its bounds.
            await vera.SignInAsync(await EmailOfAsync(database, loop.Vera), TestDatabase.Password);
            await OpenPassAsync(vera, passPath);
            var outcomes = await vera.Page.Locator("fieldset:has(input[data-metric='death']) input[data-metric]").EvaluateAllAsync<string[]>("fields => fields.map(f => f.dataset.metric)");
            Assert.Equal(["death", "deathConfirmed", "deathLongTermCare", "deathProbable", "recovered"], outcomes);
            var field = Field(vera.Page, "deathLongTermCare");
            await Expect(vera.Page.GetByLabel(Label)).ToHaveCountAsync(1);
            await field.FillAsync("2,000,000");
            await Expect(field).ToHaveAttributeAsync("aria-invalid", "true");
            await Expect(vera.Page.Locator("#metric-deathLongTermCare-help")).ToHaveTextAsync("This must be at most 1,000,000 (the catalog's highest value for it); check the number.");
            await field.FillAsync("12");
            await Expect(field).ToHaveAttributeAsync("aria-invalid", "false");

            // Retire it: new pass forms no longer ask for it; it can come back.
            await PressAsync(page.GetByRole(AriaRole.Button, new() { Name = $"Retire {Label}" }), "Enter");
            await PressAsync(page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Retire" }), "Enter");
            await Expect(page.GetByTestId("catalog-notice")).ToContainTextAsync($"{Label} is retired");
            await Expect(page.Locator("tr[data-metric='deathLongTermCare']")).ToContainTextAsync("Retired");
            await Accessibility.AssertAccessibleAsync(ada, "metric catalog with a retired metric");
            await OpenPassAsync(vera, passPath);
            await Expect(Field(vera.Page, "deathLongTermCare")).ToHaveCountAsync(0);
            await Expect(Field(vera.Page, "deathProbable")).ToHaveCountAsync(1);

            await PressAsync(page.GetByRole(AriaRole.Button, new() { Name = $"Restore {Label}" }), "Enter");
            await Expect(page.Locator("tr[data-metric='deathLongTermCare']")).ToContainTextAsync("In use");
            await OpenPassAsync(vera, passPath);
            await Expect(Field(vera.Page, "deathLongTermCare")).ToHaveCountAsync(1);

            // The audit trail tells each change in people's words, under the admin's name.
            await ada.OpenAsync("admin/audit");
            var happened = page.GetByRole(AriaRole.Combobox, new() { Name = "What happened" });
            await happened.ClickAsync();
            await page.Locator(".mud-popover-open").GetByRole(AriaRole.Option, new() { Name = "Metric catalog", Exact = true }).ClickAsync();
            await Expect(page.Locator(".mud-popover-open")).ToHaveCountAsync(0);
            await Expect(happened).ToContainTextAsync("Metric catalog");
            await page.GetByRole(AriaRole.Button, new() { Name = "Show", Exact = true }).ClickAsync();
            var events = page.Locator("#audit-events tbody tr").Filter(new() { HasText = "deathLongTermCare" });
            await Expect(events.GetByTestId("event-what").Filter(new() { HasText = "Metric added" })).ToHaveCountAsync(1);
            await Expect(events.Filter(new() { HasText = "Ada Admin" }).First).ToBeVisibleAsync();
            await Expect(page.Locator("#audit-events")).Not.ToContainTextAsync("Metrics");
        });
    }

    [Fact]
    public async Task AVolunteerOrALeadIsRefusedThePage()
    {
        await using var database = new TestDatabase(createDatabase: () => Task.FromResult(app.ConnectionString));
        await database.InitializeAsync();
        var loop = await new LoopScenario(database).WithPeopleAsync();
        foreach (var (name, id) in new[] { ("Lena", loop.Lead), ("Vera", loop.Vera) })
        {
            var person = await PersonAsync(name);
            await ExplainingAsync([person], async () =>
            {
                await person.SignInAsync(await EmailOfAsync(database, id), TestDatabase.Password);
                await person.Page.GotoAsync("admin/metrics");
                await Expect(person.Page.GetByRole(AriaRole.Heading, new() { Name = "Metric catalog" })).ToHaveCountAsync(0);
                await Expect(person.Page.GetByRole(AriaRole.Button, new() { Name = "Add a metric" })).ToHaveCountAsync(0);
                await Expect(person.Page.GetByRole(AriaRole.Link, new() { Name = "Metric catalog" })).ToHaveCountAsync(0);
            });
        }
    }

    private static ILocator Rows(IPage page) => page.Locator("tbody tr[data-metric]");

    private static ILocator Field(IPage page, string metric) => page.Locator($"input[data-metric='{metric}']");

    /// <summary>Moves the keyboard focus to a control and presses a key there, as someone tabbing to it would.</summary>
    private static async Task PressAsync(ILocator control, string key)
    {
        await control.FocusAsync();
        await control.PressAsync(key);
    }

    private static async Task OpenPassAsync(BrowserUser person, string path)
    {
        await person.OpenAsync(path);
        await Expect(person.Page.Locator("[data-testid='entry-form'][data-keyboard='ready']")).ToHaveCountAsync(1);
    }
}
