using CovidEntry.App.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CovidEntry.Tests.Browser;

/// <summary>
/// Issue 21: nothing typed is lost to a network outage, however long, nor to a reload after it.
/// The outage is the kind a volunteer meets: the browser goes offline and the circuit's connection
/// carries nothing either way, without closing (so the page cannot tell it is dead), and ends with
/// that connection dropped, as it is once either side gives up on it.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class KeptTypingTests(BrowserFixture browser, ITestOutputHelper output) : BrowserTest(browser, output)
{
    private const string OfflineLine = "Offline — your typing is kept in this browser and will be saved when the connection returns.";

    [Fact]
    public async Task KeysTypedDuringAnOutageAreSavedWhenTheConnectionReturnsAndSurviveAReload()
    {
        await RunAsync(async () =>
        {
            var (_, entryId, passPath, olga, line) = await TwelveSavedOnTheLineAsync("Olga Outage", "VT", "Olga");
            var page = olga.Page;
            await Expect(Status(page)).ToContainTextAsync("Draft saved at", new() { UseInnerText = true });

            // The connection drops: the line says so at once, not when the circuit notices (30 s).
            await line.CutAsync();
            // (Well inside the circuit's 30 s, with room for a busy machine.)
            await Expect(Status(page)).ToContainTextAsync(OfflineLine, new() { UseInnerText = true, Timeout = 10_000 });

            // Typing goes on: the fields take the keys, and the line never claims they were saved.
            await Field(page, "positive").PressSequentiallyAsync("8");
            await Field(page, "inIcuCurrently").FillAsync("20");
            await Expect(Field(page, "positive")).ToHaveValueAsync("128");
            await Expect(Status(page)).ToContainTextAsync(OfflineLine, new() { UseInnerText = true });
            await Expect(Status(page)).Not.ToContainTextAsync("Draft saved", new() { UseInnerText = true });
            await Accessibility.AssertAccessibleAsync(olga, "pass form while offline");

            // The connection comes back: what the server never received is saved now.
            await line.RestoreAsync();
            await DraftHoldsAsync(entryId, ("positive", "128"), ("inIcuCurrently", "20"));
            await Expect(Status(page)).ToContainTextAsync("Draft saved at", new() { UseInnerText = true });
            await NoKeptCopyAsync(page);

            await OpenPassAsync(olga, passPath);
            await Expect(Field(page, "positive")).ToHaveValueAsync("128");
            await Expect(Field(page, "inIcuCurrently")).ToHaveValueAsync("20");
        });
    }

    [Fact]
    public async Task TypingKeptOfflineInAPageThatWasClosedIsSavedByTheNextPage()
    {
        await RunAsync(async () =>
        {
            var (_, entryId, passPath, cleo, line) = await TwelveSavedOnTheLineAsync("Cleo Closed", "WY", "Cleo");

            await line.CutAsync();
            await Field(cleo.Page, "positive").PressSequentiallyAsync("8");
            await Field(cleo.Page, "death").FillAsync("7");
            await Expect(Status(cleo.Page)).ToContainTextAsync(OfflineLine, new() { UseInnerText = true });
            Assert.Single(await KeptCopiesAsync(cleo.Page));

            // The tab is closed while offline; its circuit never hears of the last keys.
            await cleo.Page.CloseAsync();
            await line.RestoreAsync();
            await DraftHoldsAsync(entryId, ("positive", "12"));

            var page = await ReopenAsync(cleo, passPath);
            await Expect(Field(page, "positive")).ToHaveValueAsync("128");
            await Expect(Field(page, "death")).ToHaveValueAsync("7");
            await DraftHoldsAsync(entryId, ("positive", "128"), ("death", "7"));
            await Expect(page.Locator("[data-testid='draft-status']")).ToContainTextAsync("Draft saved at", new() { UseInnerText = true });
            await NoKeptCopyAsync(page);
            await page.CloseAsync();
        });
    }

    [Fact]
    public async Task ASaveWhoseConfirmationWasLostOnTheWayIsKnownAsThisPagesOwnAndTheTypingGoesOn()
    {
        await RunAsync(async () =>
        {
            var (_, entryId, passPath, lars, line) = await TwelveSavedOnTheLineAsync("Lars Lost", "ND", "Lars");
            await NoKeptCopyAsync(lars.Page);

            // The server hears the next key and saves it, but its answer never reaches the page.
            line.SilenceAnswers();
            await Field(lars.Page, "positive").PressSequentiallyAsync("8");
            await DraftHoldsAsync(entryId, ("positive", "128"));

            // Then the line goes down altogether, more is typed, and the tab is closed.
            await line.CutAsync();
            await Field(lars.Page, "positive").PressSequentiallyAsync("5");
            await lars.Page.CloseAsync();
            await line.RestoreAsync();

            // The save the page never heard of was its own: nothing to choose, the typing goes on.
            var page = await ReopenAsync(lars, passPath);
            await Expect(Field(page, "positive")).ToHaveValueAsync("1285");
            await DraftHoldsAsync(entryId, ("positive", "1285"));
            await Expect(page.GetByTestId("kept-typing-choice")).ToHaveCountAsync(0);
            await NoKeptCopyAsync(page);
            await page.CloseAsync();
        });
    }

    [Fact]
    public async Task TypingKeptInTheBrowserAndASaveMadeElsewhereSinceAreBothShownAndThePersonChooses()
    {
        await RunAsync(async () =>
        {
            var (email, entryId, passPath, laptop, line) = await TwelveSavedOnTheLineAsync("Chen Choice", "NH", "Chen-laptop");

            // Typed on the laptop while its connection is down, and the laptop is closed.
            await line.CutAsync();
            await Field(laptop.Page, "positive").PressSequentiallyAsync("8");
            await Expect(Status(laptop.Page)).ToContainTextAsync(OfflineLine, new() { UseInnerText = true });
            await laptop.Page.CloseAsync();
            await line.RestoreAsync();

            // Meanwhile the same pass is changed on a phone.
            var phone = await PersonAsync("Chen-phone");
            await phone.SignInAsync(email, BrowserFixture.AdminPassword);
            await OpenPassAsync(phone, passPath);
            await Field(phone.Page, "positive").FillAsync("13");
            await DraftHoldsAsync(entryId, ("positive", "13"));

            // Back on the laptop: both versions are shown, nothing is dropped until Chen chooses.
            var page = await laptop.Context.NewPageAsync();
            await page.GotoAsync(passPath);
            var choice = page.GetByTestId("kept-typing-choice");
            await Expect(choice).ToBeVisibleAsync();
            await Expect(choice.Locator("tr[data-field='positive']")).ToContainTextAsync("128");
            await Expect(choice.Locator("tr[data-field='positive']")).ToContainTextAsync("13");
            await Expect(Field(page, "positive")).ToHaveValueAsync("13");
            await Expect(Field(page, "positive")).ToHaveAttributeAsync("readonly", "");
            await DraftHoldsAsync(entryId, ("positive", "13"));
            await Accessibility.AssertAccessibleAsync(page, "choice between kept typing and a saved version");

            // By keyboard: to the button, Enter.
            var keep = choice.GetByRole(AriaRole.Button, new() { Name = "Keep what I typed here" });
            await keep.FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await Expect(choice).ToHaveCountAsync(0);
            await Expect(Field(page, "positive")).ToHaveValueAsync("128");
            await DraftHoldsAsync(entryId, ("positive", "128"));
            await NoKeptCopyAsync(page);
            await page.CloseAsync();
        });
    }

    private async Task<(string Email, Guid EntryId, string PassPath)> VolunteerWithAPassAsync(string name, string code)
    {
        var email = await Browser.CreatePersonAsync(name);
        var shift = await Browser.OpenShiftAsync($"{name} shift", new DateOnly(2020, 11, 21), [code], firstPassEmail: email);
        var entryId = shift.Entries.Single().EntryId;
        return (email, entryId, $"entries/{entryId}/pass/1");
    }

    /// <summary>
    /// A volunteer with a pass, signed in through a <see cref="Line"/> the test controls, the pass
    /// open and 12 typed into "positive" and saved.
    /// </summary>
    private async Task<(string Email, Guid EntryId, string PassPath, BrowserUser Person, Line Line)> TwelveSavedOnTheLineAsync(
        string name, string code, string personName)
    {
        var (email, entryId, passPath) = await VolunteerWithAPassAsync(name, code);
        var person = await PersonAsync(personName);
        var line = await Line.RouteAsync(person);
        await person.SignInAsync(email, BrowserFixture.AdminPassword);
        await OpenPassAsync(person, passPath);
        await Field(person.Page, "positive").FillAsync("12");
        await DraftHoldsAsync(entryId, ("positive", "12"));
        return (email, entryId, passPath, person, line);
    }

    /// <summary>The pass in a new tab of the same browser, once it keeps typing (and has looked at what earlier tabs kept).</summary>
    private static async Task<IPage> ReopenAsync(BrowserUser person, string passPath)
    {
        var page = await person.Context.NewPageAsync();
        await page.GotoAsync(passPath);
        await Expect(page.Locator("[data-testid='entry-form'][data-keeps-typing='ready']")).ToHaveCountAsync(1);
        return page;
    }

    /// <summary>Waits until the pass's draft in PostgreSQL holds these texts.</summary>
    private async Task DraftHoldsAsync(Guid entryId, params (string Field, string Text)[] expected)
    {
        await using var app = Browser.Services();
        var drafts = app.Services.GetRequiredService<IDbContextFactory<CovidEntryDbContext>>();
        IReadOnlyDictionary<string, string>? texts = null;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            await using var db = await drafts.CreateDbContextAsync();
            texts = (await db.PassDrafts.AsNoTracking().SingleOrDefaultAsync(d => d.EntryId == entryId))?.Texts;
            if (texts is not null && expected.All(e => texts.GetValueOrDefault(e.Field) == e.Text))
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"The draft never held {string.Join(", ", expected.Select(e => $"{e.Field} = {e.Text}"))}; it holds {(texts is null ? "nothing" : string.Join(", ", texts.Select(t => $"{t.Key} = {t.Value}")))}.");
    }

    private static async Task<IReadOnlyList<string>> KeptCopiesAsync(IPage page) =>
        await page.EvaluateAsync<string[]>("() => Object.keys(localStorage).filter(k => k.startsWith('covidentry.typing.'))");

    /// <summary>Waits until the browser keeps no copy any more (the server confirmed it all).</summary>
    private static Task NoKeptCopyAsync(IPage page) =>
        page.WaitForFunctionAsync("() => !Object.keys(localStorage).some(k => k.startsWith('covidentry.typing.'))");

    private static async Task OpenPassAsync(BrowserUser person, string path)
    {
        await person.OpenAsync(path);
        await Expect(person.Page.Locator("[data-testid='entry-form'][data-keyboard='ready']")).ToHaveCountAsync(1);
    }

    private static ILocator Field(IPage page, string metric) => page.Locator($"input[data-metric='{metric}']");

    private static ILocator Status(IPage page) => page.GetByTestId("draft-status");

    /// <summary>
    /// The line between one person's browser and the app: every circuit connection goes through
    /// the test, which can make it carry nothing (an outage) and then drop it.
    /// </summary>
    private sealed class Line
    {
        private readonly IBrowserContext _context;
        private readonly List<(IWebSocketRoute Page, IWebSocketRoute Server)> _sockets = [];
        private volatile bool _cut;
        private volatile bool _answersSilenced;

        private Line(IBrowserContext context)
        {
            _context = context;
        }

        public static async Task<Line> RouteAsync(BrowserUser person)
        {
            var line = new Line(person.Context);
            await person.Context.RouteWebSocketAsync(url => url.Contains("/_blazor", StringComparison.Ordinal), line.Connect);
            return line;
        }

        /// <summary>The browser goes offline; the open connection stays open but carries nothing either way.</summary>
        public async Task CutAsync()
        {
            _cut = true;
            await _context.SetOfflineAsync(true);
        }

        /// <summary>What the page sends still reaches the server; what the server sends back is lost.</summary>
        public void SilenceAnswers() => _answersSilenced = true;

        /// <summary>The network is back; the connection that went silent is dropped, as either side does once it gives up on it.</summary>
        public async Task RestoreAsync()
        {
            await _context.SetOfflineAsync(false);
            List<(IWebSocketRoute Page, IWebSocketRoute Server)> dead;
            lock (_sockets)
            {
                dead = [.. _sockets];
                _sockets.Clear();
            }

            _cut = false;
            _answersSilenced = false;
            foreach (var (page, server) in dead)
            {
                await server.CloseAsync();
                await page.CloseAsync(new() { Code = 4000, Reason = "line dropped" });
            }
        }

        private void Connect(IWebSocketRoute page)
        {
            var server = page.ConnectToServer();
            lock (_sockets)
            {
                _sockets.Add((page, server));
            }

            page.OnMessage(frame =>
            {
                if (!_cut)
                {
                    Forward(server, frame);
                }
            });
            server.OnMessage(frame =>
            {
                if (!_cut && !_answersSilenced)
                {
                    Forward(page, frame);
                }
            });
        }

        private static void Forward(IWebSocketRoute to, IWebSocketFrame frame)
        {
            if (frame.Binary is { } bytes)
            {
                to.Send(bytes);
            }
            else
            {
                to.Send(frame.Text ?? "");
            }
        }
    }
}
