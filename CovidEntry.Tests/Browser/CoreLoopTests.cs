using System.Buffers.Binary;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CovidEntry.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class CoreLoopTests(BrowserFixture browser, ITestOutputHelper output) : BrowserTest(browser, output)
{
    private const string DataDate = "2020-11-14";

    // Vera's value for AK's negative tests. Cole reads the source differently (7,654,312), so
    // this number reaching Cole's browser could only mean pass 1 leaked into pass 2.
    private const long VeraAkNegative = 7_654_321;

    [Fact]
    public async Task ThreePeopleRunTheWholeLoopFromInviteToPublicCsv()
    {
        await RunAsync(RunLoopAsync);
    }

    private async Task RunLoopAsync()
    {
        var admin = await PersonAsync("Ada");
        await admin.SignInAsync(BrowserFixture.AdminEmail, BrowserFixture.AdminPassword);
        await admin.OpenAsync("admin/users");
        var veraLink = await InviteAsync(admin, "vera@example.org", "Vera Volunteer", volunteer: true, shiftLead: false);
        var coleLink = await InviteAsync(admin, "cole@example.org", "Cole Checker", volunteer: true, shiftLead: false);
        var lenaLink = await InviteAsync(admin, "lena@example.org", "Lena Lead", volunteer: false, shiftLead: true);
        Assert.Equal(3, new[] { veraLink, coleLink, lenaLink }.Distinct().Count());

        var vera = await AcceptInviteAsync("Vera", veraLink, "vera@example.org", "vera picks a long passphrase");
        var cole = await AcceptInviteAsync("Cole", coleLink, "cole@example.org", "cole picks another passphrase");
        var lena = await AcceptInviteAsync("Lena", lenaLink, "lena@example.org", "lena leads with a passphrase");

        var shiftPath = await OpenShiftAsync(lena, "AK", "AL");
        await AssignAsync(lena, "AK", 1, "Vera Volunteer");
        await AssignAsync(lena, "AK", 2, "Cole Checker");
        await AssignAsync(lena, "AL", 1, "Vera Volunteer");
        await AssignAsync(lena, "AL", 2, "Cole Checker");
        await lena.OpenAsync(shiftPath);
        await Accessibility.AssertAccessibleAsync(lena, "shift page");
        foreach (var code in new[] { "AK", "AL" })
        {
            await Expect(AssignSelect(lena, code, 1)).ToHaveTextAsync("Vera Volunteer");
            await Expect(AssignSelect(lena, code, 2)).ToHaveTextAsync("Cole Checker");
        }

        // Pass 1 of AL first, with a typo that must be caught at the field and save nothing.
        await StartPassAsync(vera, "AL", 1);
        await FillAsync(vera, new() { ["positive"] = "215,679", ["negative"] = "1,292,134", ["death"] = "3,288.5", ["hospitalizedCurrently"] = "1,374" });
        await vera.Page.GetByRole(AriaRole.Button, new() { Name = "Submit pass 1" }).ClickAsync();
        await Expect(vera.Page.Locator("#submit-error")).ToContainTextAsync("Nothing was submitted");
        await Expect(FieldMessage(vera, "death")).ToHaveTextAsync("Enter a whole number: decimals are not allowed.");
        await Accessibility.AssertAccessibleAsync(vera, "pass entry page with a field in error");
        await lena.OpenAsync(shiftPath);
        await Expect(Status(lena, "AL")).ToHaveTextAsync("Waiting for both passes");

        await FillAsync(vera, new() { ["death"] = "3,288" });
        await Expect(FieldMessage(vera, "death")).ToHaveCountAsync(0);
        await SubmitAsync(vera, 1, "Waiting for the other pass");

        await StartPassAsync(vera, "AK", 1);
        await Accessibility.AssertAccessibleAsync(vera, "pass entry page");
        await FillAsync(vera, new() { ["positive"] = "22,020", ["negative"] = "7,654,321", ["death"] = "84", ["hospitalizedCurrently"] = "132" });
        await SubmitAsync(vera, 1, "Waiting for the other pass");

        // Pass 2: the same figures for AL, one differently read figure for AK.
        await StartPassAsync(cole, "AL", 2);
        await FillAsync(cole, new() { ["positive"] = "215679", ["negative"] = "1,292,134", ["death"] = "3288", ["hospitalizedCurrently"] = "1,374" });
        await SubmitAsync(cole, 2, "Both passes agree");

        await StartPassAsync(cole, "AK", 2);
        await FillAsync(cole, new() { ["positive"] = "22,020", ["negative"] = "7,654,312", ["death"] = "84", ["hospitalizedCurrently"] = "132" });
        await AssertNothingOfPassOneReachedAsync(cole);
        await SubmitAsync(cole, 2, "a shift lead will reconcile them");

        await lena.OpenAsync(shiftPath);
        await Expect(Status(lena, "AL")).ToHaveTextAsync("Verified");
        await Expect(Status(lena, "AK")).ToHaveTextAsync("Mismatch");
        await Accessibility.AssertAccessibleAsync(lena, "shift page with a mismatch");
        await ReconcileAsync(lena, "AK", "negative", "Pass 2: 7,654,312");

        await lena.OpenAsync(shiftPath + "/review");
        await lena.Page.GetByRole(AriaRole.Button, new() { Name = "Send to review" }).ClickAsync();
        await Expect(lena.Page.Locator("#review-message")).ToContainTextAsync("The shift is in review");
        await Expect(lena.Page.GetByTestId("review-AK").Locator("tr[data-metric='negative']")).ToContainTextAsync("Passes differed");
        await Accessibility.AssertAccessibleAsync(lena, "review page ready to approve");
        await lena.Page.GetByRole(AriaRole.Button, new() { Name = "Approve 2 entries without warnings" }).ClickAsync();
        await Expect(lena.Page.Locator("#review-message")).ToHaveTextAsync("Approved 2 entries: AK, AL.");
        await Expect(lena.Page.GetByTestId("review-AL").GetByTestId("approval")).ToHaveTextAsync("Approved by Lena Lead");
        await Accessibility.AssertAccessibleAsync(lena, "review page ready to publish");
        await lena.Page.GetByRole(AriaRole.Button, new() { Name = "Publish batch" }).ClickAsync();
        await Expect(lena.Page.Locator("#review-message")).ToContainTextAsync("Published:");
        await Accessibility.AssertAccessibleAsync(lena, "review page after publishing");

        var csv = await Eventually.ReadAsync(AnonymousDailyCsvAsync, text => text.Contains($"\"{DataDate}\",\"AL\"", StringComparison.Ordinal));
        var lines = csv.Split('\n');
        Assert.StartsWith("\"date\",\"state\",", lines[0]);
        var columns = lines[0].Split(',').Select(c => c.Trim('"')).ToList();
        Assert.Equal(columns.Skip(2).Order(StringComparer.Ordinal), columns.Skip(2));
        // Other browser tests publish other dates on the same app; this loop owns its data date.
        var rows = lines.Skip(1).Where(line => line.StartsWith($"\"{DataDate}\"", StringComparison.Ordinal)).Select(line => line.Split(',')).ToList();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, row => Assert.Equal(columns.Count, row.Length));
        Assert.Equal(["\"2020-11-14\"", "\"AK\""], rows[0][..2]);
        Assert.Equal(["\"2020-11-14\"", "\"AL\""], rows[1][..2]);

        string Cell(string[] row, string column) => row[columns.IndexOf(column)];
        Assert.Equal("22020", Cell(rows[0], "positive"));
        Assert.Equal("7654312", Cell(rows[0], "negative"));
        Assert.Equal("84", Cell(rows[0], "death"));
        Assert.Equal("132", Cell(rows[0], "hospitalizedCurrently"));
        Assert.Equal("", Cell(rows[0], "recovered"));
        Assert.Equal("215679", Cell(rows[1], "positive"));
        Assert.Equal("1292134", Cell(rows[1], "negative"));
        Assert.Equal("3288", Cell(rows[1], "death"));
        Assert.Equal("1374", Cell(rows[1], "hospitalizedCurrently"));
        Assert.Equal("", Cell(rows[1], "recovered"));
    }

    private static async Task<string> InviteAsync(BrowserUser admin, string email, string displayName, bool volunteer, bool shiftLead)
    {
        var page = admin.Page;
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Display name").FillAsync(displayName);
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Volunteer" }).SetCheckedAsync(volunteer);
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Shift lead" }).SetCheckedAsync(shiftLead);
        await page.GetByRole(AriaRole.Button, new() { Name = "Invite", Exact = true }).ClickAsync();
        await Expect(page.GetByText($"{displayName} can set a password")).ToBeVisibleAsync();
        return await page.Locator($"[data-testid='invite-link'][data-email='{email}']").InnerTextAsync();
    }

    private async Task<BrowserUser> AcceptInviteAsync(string name, string link, string email, string password)
    {
        var person = await PersonAsync(name);
        await person.Page.GotoAsync(link);
        await person.Page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await person.Page.GetByLabel("Confirm password").FillAsync(password);
        await person.Page.GetByRole(AriaRole.Button, new() { Name = "Set password" }).ClickAsync();
        await Expect(person.Page.GetByText("Your password is set.")).ToBeVisibleAsync();
        await person.SignInAsync(email, password);
        return person;
    }

    private static async Task<string> OpenShiftAsync(BrowserUser lead, params string[] codes)
    {
        var page = lead.Page;
        await lead.OpenAsync("shifts/new");
        await page.GetByLabel("Shift name").FillAsync($"{DataDate} evening");
        // A native date field: Playwright sets its value; leaving the field commits it.
        var date = page.GetByLabel("Data date", new() { Exact = true });
        await date.FillAsync(DataDate);
        await date.PressAsync("Tab");
        await Expect(date).ToHaveValueAsync(DataDate);
        foreach (var code in codes)
        {
            await page.GetByRole(AriaRole.Checkbox, new() { Name = $"{code} · " }).CheckAsync();
        }

        await Expect(page.GetByText($"{codes.Length} selected")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Open shift" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/shifts/[0-9a-f-]{36}$"));
        await Expect(page.GetByText($"Data date {DataDate}")).ToBeVisibleAsync();
        return new Uri(page.Url).AbsolutePath.TrimStart('/');
    }

    private static ILocator AssignSelect(BrowserUser lead, string code, int pass) =>
        lead.Page.GetByTestId($"entry-{code}").GetByRole(AriaRole.Combobox, new() { Name = $"{code} pass {pass}" });

    private static async Task AssignAsync(BrowserUser lead, string code, int pass, string person)
    {
        // MudSelect lists its options in a popover at the end of the layout, not inside the row.
        await ChooseAsync(AssignSelect(lead, code, pass), person);
        await Expect(AssignSelect(lead, code, pass)).ToHaveTextAsync(person);
    }

    private static ILocator Status(BrowserUser lead, string code) =>
        lead.Page.GetByTestId($"entry-{code}").GetByTestId("status");

    private static async Task StartPassAsync(BrowserUser volunteer, string code, int pass)
    {
        await volunteer.OpenAsync("work");
        await volunteer.Page.GetByLabel($"Enter pass {pass} of {code}").ClickAsync();
        await Expect(volunteer.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync($"({code}) · pass {pass}");
    }

    private static ILocator MetricInput(BrowserUser volunteer, string metric) =>
        volunteer.Page.Locator($"input[data-metric='{metric}']");

    /// <summary>The validation message MudBlazor shows under a metric's field.</summary>
    private static ILocator FieldMessage(BrowserUser volunteer, string metric) =>
        volunteer.Page.Locator(".mud-input-control").Filter(new() { Has = MetricInput(volunteer, metric) }).Locator(".mud-input-helper-text.mud-input-error");

    private static async Task FillAsync(BrowserUser volunteer, Dictionary<string, string> values)
    {
        foreach (var (metric, text) in values)
        {
            await MetricInput(volunteer, metric).FillAsync(text);
        }
    }

    private static async Task SubmitAsync(BrowserUser volunteer, int pass, string outcome)
    {
        await volunteer.Page.GetByRole(AriaRole.Button, new() { Name = $"Submit pass {pass}" }).ClickAsync();
        await Expect(volunteer.Page.Locator("#submit-outcome")).ToContainTextAsync(outcome);
    }

    /// <summary>Blind double entry: pass 1's figures never reach the person doing pass 2.</summary>
    private static async Task AssertNothingOfPassOneReachedAsync(BrowserUser second)
    {
        var plain = VeraAkNegative.ToString("0", CultureInfo.InvariantCulture);
        var grouped = VeraAkNegative.ToString("#,0", CultureInfo.InvariantCulture);
        var html = await second.Page.ContentAsync();
        Assert.DoesNotContain(plain, html);
        Assert.DoesNotContain(grouped, html);

        // The same search finds text the server rendered on this page, so it would find Vera's number too.
        Assert.True(second.ReceivedText("Alaska"), $"\"Alaska\" was not found in {second.Name}'s circuit frames: the search below would prove nothing.");
        Assert.False(second.ReceivedText(plain), $"{second.Name}'s circuit received \"{plain}\".");
        Assert.False(second.ReceivedText(grouped), $"{second.Name}'s circuit received \"{grouped}\".");

        // Blazor's hub protocol is MessagePack: a number sent as a number is a uint32 with a 0xCE prefix.
        var asMessagePack = new byte[5];
        asMessagePack[0] = 0xCE;
        BinaryPrimitives.WriteUInt32BigEndian(asMessagePack.AsSpan(1), (uint)VeraAkNegative);
        Assert.False(second.ReceivedBytes(asMessagePack), $"{second.Name}'s circuit received {plain} as a MessagePack number.");
    }

    private static async Task ReconcileAsync(BrowserUser lead, string code, string metric, string choice)
    {
        var page = lead.Page;
        await page.GetByTestId($"entry-{code}").GetByRole(AriaRole.Link, new() { Name = "Reconcile" }).ClickAsync();
        var mismatch = page.GetByTestId($"mismatch-{metric}");
        await Expect(mismatch).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid^='mismatch-']")).ToHaveCountAsync(1);

        var resolve = mismatch.GetByRole(AriaRole.Button, new() { Name = $"Resolve {metric}" });
        await resolve.ClickAsync();
        await Expect(mismatch.GetByText("Say why this value is right")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("entry-status")).ToHaveTextAsync("Mismatch");
        await Accessibility.AssertAccessibleAsync(lead, "reconcile page with a missing reason");

        await mismatch.GetByRole(AriaRole.Radio, new() { Name = choice }).CheckAsync();
        await mismatch.GetByLabel("Reason").FillAsync("Checked the source: the dashboard shows 7,654,312 negative tests.");
        await resolve.ClickAsync();
        await Expect(mismatch).ToContainTextAsync("Resolved: 7,654,312");
        await Expect(page.GetByTestId("entry-status")).ToHaveTextAsync("Verified");
    }

    private async Task<string> AnonymousDailyCsvAsync()
    {
        await using var anonymous = await Browser.Browser.NewContextAsync();
        var response = await anonymous.APIRequest.GetAsync($"{Browser.BaseUrl}/api/v1/states/daily.csv");
        Assert.Equal(200, response.Status);
        Assert.StartsWith("text/csv", response.Headers["content-type"]);
        return await response.TextAsync();
    }
}
