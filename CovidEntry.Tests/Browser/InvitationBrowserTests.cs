using System.Text.RegularExpressions;
using CovidEntry.App.Features.Admin;
using CovidEntry.Domain.People;
using CovidEntry.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CovidEntry.Tests.Browser;

/// <summary>The running app with mail set up, sending through a real SMTP server the test started.</summary>
public sealed class MailingApp : IAsyncLifetime
{
    public SmtpInbox Inbox { get; private set; } = null!;

    public RunningApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Inbox = SmtpInbox.Start();
        App = new ConfiguredRunningApp(new Dictionary<string, string>
        {
            ["Email__Host"] = "127.0.0.1",
            ["Email__Port"] = Inbox.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Email__Security"] = "None",
            ["Email__From"] = "covidentry@example.org",
        });
        await App.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Inbox.DisposeAsync();
    }

    private sealed class ConfiguredRunningApp(IReadOnlyDictionary<string, string> settings) : RunningApp
    {
        protected override IReadOnlyDictionary<string, string> Settings => settings;
    }
}

/// <summary>Issue 21: invitations by email when mail is set up, and a People page that keeps every pending invitation's own link.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class InvitationBrowserTests(BrowserFixture browser, MailingApp mailing, ITestOutputHelper output)
    : BrowserTest(browser, output), IClassFixture<MailingApp>
{
    [Fact]
    public async Task AnInvitationIsEmailedInPlainWordsAndItsLinkSignsThePersonUp()
    {
        var app = mailing.App;
        var adminEmail = await app.CreatePersonAsync("Mia Mailer", Roles.Admin);
        await using var adminContext = await NewContextAsync(app);
        var admin = await BrowserUser.CreateAsync("Mia", adminContext);
        await admin.SignInAsync(adminEmail, RunningApp.Password);
        await admin.OpenAsync("admin/users");
        var page = admin.Page;

        await page.GetByLabel("Email", new() { Exact = true }).FillAsync("nia.new@example.org");
        await page.GetByLabel("Display name").FillAsync("Nia New");
        await page.GetByRole(AriaRole.Button, new() { Name = "Invite", Exact = true }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByTestId("invite-outcome")).ToHaveTextAsync("Invitation emailed to Nia New (nia.new@example.org).");

        // The form is ready for the next person, without a message for fields nobody has typed in.
        await Expect(page.GetByLabel("Email", new() { Exact = true })).ToHaveValueAsync("");
        await Expect(page.GetByLabel("Email", new() { Exact = true })).ToBeFocusedAsync();
        await Expect(page.GetByText("Enter the person's email address.")).ToHaveCountAsync(0);
        await Expect(page.Locator(".mud-input-error")).ToHaveCountAsync(0);
        var pending = page.Locator("[data-testid='pending-invitation'][data-email='nia.new@example.org']");
        await Expect(pending.GetByTestId("invite-note")).ToContainTextAsync("Invitation emailed at");
        await Expect(pending.GetByTestId("invite-link")).ToHaveCountAsync(0);

        var mail = await mailing.Inbox.NextAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(InvitationMail.Subject, mail.Subject);
        Assert.Equal("nia.new@example.org", Assert.Single(mail.To.Mailboxes).Address);
        Assert.Equal("covidentry@example.org", Assert.Single(mail.From.Mailboxes).Address);
        Assert.Null(mail.HtmlBody);
        var text = mail.TextBody ?? "";
        Assert.StartsWith("Hello Nia New,", text);
        Assert.Contains("Mia Mailer invited you to CovidEntry", text);
        Assert.Contains("The link works once.", text);
        var link = Link().Match(text);
        Assert.True(link.Success, "The mail holds no link:\n" + text);
        Assert.StartsWith(app.BaseUrl + "/Account/AcceptInvite?userId=", link.Value);

        // The link's token is a secret: it is in the mail and nowhere in the app's log.
        Assert.DoesNotContain(link.Groups["code"].Value, app.Output);

        // Nia follows the link from her mail, chooses a password, and signs in.
        await using var niaContext = await NewContextAsync(app);
        var nia = await BrowserUser.CreateAsync("Nia", niaContext);
        await nia.Page.GotoAsync(link.Value);
        await nia.Page.GetByLabel("Password", new() { Exact = true }).FillAsync("nia chooses a passphrase");
        await nia.Page.GetByLabel("Confirm password").FillAsync("nia chooses a passphrase");
        await nia.Page.GetByRole(AriaRole.Button, new() { Name = "Set password" }).ClickAsync();
        await Expect(nia.Page.GetByText("Your password is set.")).ToBeVisibleAsync();
        await nia.SignInAsync("nia.new@example.org", "nia chooses a passphrase");

        // A new link is mailed too, and once she has a password she is no longer waiting.
        await admin.OpenAsync("admin/users");
        await Expect(page.Locator("[data-testid='pending-invitation'][data-email='nia.new@example.org']")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task WithoutMailEveryPendingInvitationKeepsItsOwnLinkAndALongLinkDoesNotWidenThePage()
    {
        await RunAsync(async () =>
        {
            var admin = await PersonAsync("Ada");
            await admin.SignInAsync(BrowserFixture.AdminEmail, BrowserFixture.AdminPassword);
            await admin.OpenAsync("admin/users");
            var page = admin.Page;

            var firstLink = await InviteAsync(page, "pia.pending@example.org", "Pia Pending");
            var secondLink = await InviteAsync(page, "quinn.queued@example.org", "Quinn Queued");

            // Both are listed, each with its own link, not only the last one.
            Assert.NotEqual(firstLink, secondLink);
            Assert.Equal(firstLink, await LinkOf(page, "pia.pending@example.org").InnerTextAsync());

            // A link is one long word; it wraps instead of widening the page.
            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"),
                "the People page scrolls sideways with the links on it");
            await Accessibility.AssertAccessibleAsync(admin, "People page with pending invitations");

            // A new link for one person replaces that person's link only.
            await page.GetByRole(AriaRole.Button, new() { Name = "New link for Pia Pending" }).ClickAsync();
            await Expect(LinkOf(page, "pia.pending@example.org")).Not.ToHaveTextAsync(firstLink);
            await Expect(LinkOf(page, "quinn.queued@example.org")).ToHaveTextAsync(secondLink);
        });
    }

    [Fact]
    public async Task TheCursorGoesToTheEmailFieldForTheNextPersonUnlessTheyHaveAlreadyPutItElsewhere()
    {
        await RunAsync(async () =>
        {
            var admin = await PersonAsync("Ada");
            await admin.SignInAsync(BrowserFixture.AdminEmail, BrowserFixture.AdminPassword);
            await admin.OpenAsync("admin/users");
            var page = admin.Page;
            var email = page.GetByLabel("Email", new() { Exact = true });
            var name = page.GetByLabel("Display name");

            // After an invitation the cursor is in the fresh form's first field (InviteAsync waits for it).
            await InviteAsync(page, "rhea.ready@example.org", "Rhea Ready");

            // The page asks the browser to place it only after its render arrived, which on a busy line
            // can be after the person clicked into another field: then the cursor stays where they put it.
            const string placeCursor = "async () => (await import('./focus.js')).focusIfNowhere(document.querySelector('input[type=email]'))";
            await name.FocusAsync();
            await page.EvaluateAsync(placeCursor);
            await Expect(name).ToBeFocusedAsync();

            // With the cursor nowhere (the button that had it is gone with the old form), it goes to Email.
            await page.EvaluateAsync("() => document.activeElement.blur()");
            await page.EvaluateAsync(placeCursor);
            await Expect(email).ToBeFocusedAsync();
        });
    }

    private static async Task<string> InviteAsync(IPage page, string email, string name)
    {
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Display name").FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Invite", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("invite-outcome")).ToContainTextAsync($"{name} can set a password");
        await Expect(page.GetByLabel("Email", new() { Exact = true })).ToHaveValueAsync("");
        await Expect(page.GetByText("Enter the person's email address.")).ToHaveCountAsync(0);
        await Expect(page.GetByText("Enter the name others will see.")).ToHaveCountAsync(0);
        return await LinkOf(page, email).InnerTextAsync();
    }

    private static ILocator LinkOf(IPage page, string email) =>
        page.Locator($"[data-testid='pending-invitation'][data-email='{email}'] [data-testid='invite-link']");

    private Task<IBrowserContext> NewContextAsync(RunningApp app) =>
        Browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = app.BaseUrl + "/" });

    [GeneratedRegex(@"http://\S+/Account/AcceptInvite\?userId=\S+&code=(?<code>\S+)")]
    private static partial Regex Link();
}
