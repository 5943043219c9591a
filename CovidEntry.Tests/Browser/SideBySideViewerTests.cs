using CovidEntry.App.Features.Jurisdictions;
using CovidEntry.App.Data;
using CovidEntry.App.Features.Entries;
using CovidEntry.App.Features.Screenshots;
using CovidEntry.App.Features.Shifts;
using CovidEntry.Domain.Screenshots;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CovidEntry.Tests.Browser;

/// <summary>
/// The screenshot viewer beside the pass form and on the reconciliation page, in Chromium against
/// the running app, whose own capture service photographs a page served on loopback.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SideBySideViewerTests(BrowserFixture browser, ITestOutputHelper output) : BrowserTest(browser, output)
{
    private const string Code = "RI";
    private const string SourceLabel = "Loopback dashboard";

    [Fact]
    public async Task AVolunteerReadsFromACaptureAndAnUploadAndTheLeadSeesEachPasssScreenshot()
    {
        await using var pages = await LocalPages.StartAsync();
        pages.Html("/ri", LocalPages.Document("Rhode Island dashboard", """
            <h1 style="background:#1f4e79;color:#fff;padding:24px;margin:0">Rhode Island COVID-19</h1>
            <p style="font-size:40px;margin:24px">Cases: <b id="positive">1,234</b></p>
            <div style="height:400px;background:linear-gradient(90deg,#c00,#0c0,#00c)"></div>
            """));
        await RunAsync(() => ScenarioAsync(pages));
    }

    private async Task ScenarioAsync(LocalPages pages)
    {
        var vicEmail = await Browser.CreatePersonAsync("Vic Viewer");
        var coraEmail = await Browser.CreatePersonAsync("Cora Second");
        var shift = await Browser.OpenShiftAsync("viewer shift", new DateOnly(2020, 12, 5), [Code], firstPassEmail: vicEmail);
        var entryId = shift.Entries.Single().EntryId;
        await using (var app = Browser.Services())
        {
            using var scope = app.Services.CreateScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var admin = (await users.FindByEmailAsync(BrowserFixture.AdminEmail))!;
            await scope.ServiceProvider.GetRequiredService<SourceService>().AddAsync(Code,
                new SourceForm { Label = SourceLabel, Url = pages.Url("/ri"), ViewportWidth = 1024, ViewportHeight = 700 }, admin.Id);
            var cora = (await users.FindByEmailAsync(coraEmail))!;
            await scope.ServiceProvider.GetRequiredService<ShiftService>().AssignAsync(shift.Id, entryId, 2, cora.Id, admin.Id);
        }

        var vic = await PersonAsync("Vic");
        await vic.SignInAsync(vicEmail, BrowserFixture.AdminPassword);
        await vic.OpenAsync($"entries/{entryId}/pass/1");
        var page = vic.Page;
        var viewer = page.Locator("[data-testid='screenshot-viewer'][data-ready='true']");
        await Expect(viewer).ToHaveCountAsync(1);
        var main = page.GetByTestId("pane-main");

        // Pick the source and capture it now: the app's capture service photographs the loopback page.
        await viewer.GetByLabel("Source", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = SourceLabel });
        await viewer.GetByRole(AriaRole.Button, new() { Name = "Capture now" }).ClickAsync();
        await Expect(main.Locator("img[data-sha]")).ToBeVisibleAsync(new() { Timeout = 90_000 });
        var capturedSha = await main.Locator("img[data-sha]").GetAttributeAsync("data-sha");
        Assert.Equal(1, pages.Requests("/ri"));

        // An image pasted from the clipboard is stored under the source chosen for it, and shown.
        await viewer.GetByLabel("Source the image shows").SelectOptionAsync(new SelectOptionValue { Label = SourceLabel });
        await page.EvaluateAsync(
            """
            base64 => {
                const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
                const data = new DataTransfer();
                data.items.add(new File([bytes], "clipboard.png", { type: "image/png" }));
                document.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
            }
            """,
            Convert.ToBase64String(ImageCorpus.ScreenshotPng(600, 500)));
        await Expect(page.GetByTestId("viewer-message")).ToContainTextAsync($"Pasted image stored under the source “{SourceLabel}”.");
        await Expect(main.Locator("img[data-sha]")).Not.ToHaveAttributeAsync("data-sha", capturedSha!);

        // Something that is not an image is refused where it was given; a real one is stored and shown.
        await viewer.GetByLabel("Source the image shows").SelectOptionAsync(new SelectOptionValue { Label = SourceLabel });
        await viewer.Locator("input[type=file]").SetInputFilesAsync(new FilePayload { Name = "numbers.png", MimeType = "image/png", Buffer = ImageCorpus.SvgWithScript() });
        await Expect(page.GetByTestId("viewer-message")).ToContainTextAsync("Only PNG, JPEG or WebP images are accepted");
        await viewer.Locator("input[type=file]").SetInputFilesAsync(new FilePayload { Name = "numbers.png", MimeType = "image/png", Buffer = ImageCorpus.ScreenshotPng(1000, 700) });
        await Expect(page.GetByTestId("viewer-message")).ToContainTextAsync($"Uploaded image stored under the source “{SourceLabel}”.");
        await Expect(main.Locator("img[data-sha]")).Not.ToHaveAttributeAsync("data-sha", capturedSha!);
        var uploadedSha = await main.Locator("img[data-sha]").GetAttributeAsync("data-sha");

        // Zoom by keyboard and back to fit; compare the upload with the capture side by side.
        await page.Keyboard.PressAsync("Alt+Equal");
        await Expect(page.GetByTestId("zoom-level")).Not.ToHaveTextAsync("fit");
        await viewer.GetByRole(AriaRole.Button, new() { Name = "Fit width" }).ClickAsync();
        await Expect(page.GetByTestId("zoom-level")).ToHaveTextAsync("fit");
        await page.Keyboard.PressAsync("Alt+KeyC");
        await Expect(page.GetByTestId("pane-compare").Locator("img[data-sha]")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("pane-compare").Locator("img[data-sha]")).Not.ToHaveAttributeAsync("data-sha", uploadedSha!);

        // The value typed now is read from the upload on screen; a marked region says where.
        var positive = page.Locator("input[data-metric='positive']");
        await positive.FocusAsync();
        await positive.PressSequentiallyAsync("1,234");
        await viewer.GetByRole(AriaRole.Button, new() { Name = "Mark region" }).ClickAsync();

        // A drag marks only once the page is in marking mode (before, it pans); the prompt it shows moves the image.
        await Expect(viewer).ToHaveAttributeAsync("data-marking", "true");
        await Expect(page.GetByTestId("viewer-message")).ToContainTextAsync("Drag on the image");
        var image = main.Locator("img[data-sha]");
        await image.ScrollIntoViewIfNeededAsync();
        var box = (await image.BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(box.X + box.Width * 0.1f, box.Y + box.Height * 0.2f);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + box.Width * 0.3f, box.Y + box.Height * 0.3f, new() { Steps = 5 });
        await page.Mouse.UpAsync();
        await Expect(main.GetByTestId("marked-region")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("cited-count")).ToContainTextAsync("1 value(s) cite a screenshot, 1 with a marked region");
        await Accessibility.AssertAccessibleAsync(vic, "pass form beside the screenshot viewer");
        await positive.PressAsync("Control+Enter");
        await Expect(page.Locator("#submit-outcome")).ToHaveTextAsync("Submitted. Waiting for the other pass.");

        Guid uploadedId, capturedId;
        await using (var app = Browser.Services())
        {
            await using var db = await app.Services.GetRequiredService<IDbContextFactory<CovidEntryDbContext>>().CreateDbContextAsync();
            var pass = await db.Entries.Where(e => e.Id == entryId).SelectMany(e => e.Passes).SingleAsync(p => p.Number == 1);
            var cited = pass.EvidenceByMetric()["positive"];
            uploadedId = await db.Screenshots.Where(s => s.Sha256 == uploadedSha).Select(s => s.Id).SingleAsync();
            capturedId = await db.Screenshots.Where(s => s.Sha256 == capturedSha).Select(s => s.Id).SingleAsync();
            Assert.Equal(uploadedId, cited.ScreenshotId);
            Assert.InRange(cited.Region!.X, 0.05, 0.15);
            Assert.InRange(cited.Region.Width, 0.15, 0.25);

            // The second pass reads a different number off the capture.
            using var scope = app.Services.CreateScope();
            var cora = (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(coraEmail))!;
            var entries = scope.ServiceProvider.GetRequiredService<EntryService>();
            var form = EntryFormModel.For((await entries.GetPassFormAsync(entryId, 2, cora.Id)).Metrics);
            form.Values.Single(v => v.Key == "positive").Text = "1,243";
            form.Evidence["positive"] = new ValueEvidence(capturedId);
            await entries.SubmitAsync(entryId, 2, cora.Id, form);
        }

        // The lead reconciles with each pass's screenshot beside its value, and opens one in the viewer.
        var lead = await PersonAsync("Ada");
        await lead.SignInAsync(BrowserFixture.AdminEmail, BrowserFixture.AdminPassword);
        await lead.OpenAsync($"entries/{entryId}/reconcile");
        var row = lead.Page.GetByTestId("mismatch-positive");
        await Expect(row.GetByTestId("evidence-1-positive").Locator("img")).ToBeVisibleAsync();
        await Expect(row.GetByTestId("evidence-1-positive").Locator(".viewer-region")).ToHaveCountAsync(1);
        await Expect(lead.Page.Locator("[data-testid='screenshot-viewer'][data-ready='true']")).ToHaveCountAsync(1);
        await row.GetByTestId("evidence-2-positive").ClickAsync();
        await Expect(lead.Page.GetByTestId("pane-main").Locator("img[data-sha]")).ToHaveAttributeAsync("data-sha", capturedSha!);
        await Accessibility.AssertAccessibleAsync(lead, "reconciliation beside the screenshot viewer");

        // The admin sees the source's capture settings and the capture on the dashboard.
        await lead.OpenAsync($"jurisdictions/{Code}/sources");
        await Expect(lead.Page.Locator("#sources")).ToContainTextAsync(SourceLabel);
        await Expect(lead.Page.Locator("#sources")).ToContainTextAsync("1024 × 700 · whole page");
        await Accessibility.AssertAccessibleAsync(lead, "sources of a jurisdiction");
        await lead.OpenAsync("screenshots/captures");
        await Expect(lead.Page.Locator("#capture-jobs tr[data-state='Succeeded']").Filter(new() { HasText = SourceLabel })).ToHaveCountAsync(1);
        await Accessibility.AssertAccessibleAsync(lead, "capture dashboard");
    }
}
