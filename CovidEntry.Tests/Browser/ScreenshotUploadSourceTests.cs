using System.Text.Json;
using CovidEntry.App.Data;
using CovidEntry.App.Features.Screenshots;
using CovidEntry.Domain.People;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CovidEntry.Tests.Browser;

/// <summary>
/// An image a volunteer gives is filed under the source they choose, never under one chosen for
/// them; and the public archive says it is a volunteer's upload, not a picture of the health
/// department's page. In Chromium against the running app.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ScreenshotUploadSourceTests(BrowserFixture browser, ITestOutputHelper output) : BrowserTest(browser, output)
{
    // Oregon has four sources; no other browser test stores screenshots for it.
    private const string Code = "OR";

    [Fact]
    public async Task AnUploadIsFiledUnderTheSourceTheVolunteerChoseAndThePublicArchiveCallsItAVolunteersUpload()
    {
        await RunAsync(async () =>
        {
            var volunteerEmail = await Browser.CreatePersonAsync("Ulla Upload");
            var leadEmail = await Browser.CreatePersonAsync("Lars Lookover", Roles.ShiftLead);
            var shift = await Browser.OpenShiftAsync("upload shift", new DateOnly(2020, 11, 25), [Code], firstPassEmail: volunteerEmail);
            IReadOnlyList<SourceChoice> sources;
            await using (var arrange = new Arrange(Browser))
            {
                sources = await arrange.Get<ScreenshotService>().SourcesAsync(Code);
            }

            // The viewer shows the first source; the image belongs to another one, which she must name.
            Assert.True(sources.Count >= 2, $"{Code} has {sources.Count} sources.");
            var chosen = sources[1];

            var ulla = await PersonAsync("Ulla");
            await ulla.SignInAsync(volunteerEmail, BrowserFixture.AdminPassword);
            await ulla.OpenAsync($"entries/{shift.Entries.Single().EntryId}/pass/1");
            var page = ulla.Page;
            var viewer = page.Locator("[data-testid='screenshot-viewer'][data-ready='true']");
            await Expect(viewer).ToHaveCountAsync(1);
            var uploadSource = viewer.GetByLabel("Source the image shows");
            var fileInput = viewer.Locator("input[type=file]");

            // Nothing is chosen for her: the upload waits for her choice, and a paste is refused with the reason.
            await Expect(uploadSource).ToHaveValueAsync("");
            await Expect(uploadSource.Locator("option:checked")).ToHaveTextAsync("Choose before uploading");
            await Expect(fileInput).ToBeDisabledAsync();
            await PasteAsync(page);
            await Expect(page.GetByTestId("viewer-message")).ToContainTextAsync("Choose the source the image shows before you upload or paste it");
            Assert.Equal(0, await ScreenshotsOfAsync());
            await Accessibility.AssertAccessibleAsync(ulla, "pass form with the upload's source not chosen");

            await uploadSource.SelectOptionAsync(new SelectOptionValue { Label = chosen.Label });
            await Expect(fileInput).ToBeEnabledAsync();
            await fileInput.SetInputFilesAsync(new FilePayload { Name = "dashboard.png", MimeType = "image/png", Buffer = ImageCorpus.ScreenshotPng(900, 600) });
            await Expect(page.GetByTestId("viewer-message")).ToHaveTextAsync($"Uploaded image stored under the source “{chosen.Label}”.");

            // Filed under her choice; the next image needs a choice of its own.
            Guid uploadId;
            await using (var app = Browser.Services())
            {
                await using var db = await app.Services.GetRequiredService<IDbContextFactory<CovidEntryDbContext>>().CreateDbContextAsync();
                var stored = await db.Screenshots.Where(s => s.JurisdictionCode == Code).SingleAsync();
                Assert.Equal((chosen.Id, chosen.Label), (stored.SourceId!.Value, stored.SourceLabel));
                uploadId = stored.Id;
            }

            await Expect(uploadSource).ToHaveValueAsync("");
            await Expect(fileInput).ToBeDisabledAsync();

            // Made public by a lead, it is shown to everyone as a volunteer's upload under the source she chose.
            var lars = await PersonAsync("Lars");
            await lars.SignInAsync(leadEmail, BrowserFixture.AdminPassword);
            await lars.OpenAsync($"data/{Code}/screenshots");
            await lars.Page.GetByTestId($"public-{uploadId}").GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
            await Expect(lars.Page.Locator("#archive-message")).ToContainTextAsync("is now public");

            var visitor = await PersonAsync("Visitor");
            await visitor.OpenAsync($"data/{Code}/screenshots");
            var row = visitor.Page.GetByTestId($"screenshot-{uploadId}");
            var said = $"Uploaded by a volunteer, who filed it under the source “{chosen.Label}”";
            await Expect(row.GetByRole(AriaRole.Rowheader)).ToHaveTextAsync(said);
            await Expect(row.GetByRole(AriaRole.Img)).ToHaveAttributeAsync("alt", new System.Text.RegularExpressions.Regex("^" + System.Text.RegularExpressions.Regex.Escape(said) + ", "));
            await Expect(visitor.Page.GetByRole(AriaRole.Columnheader, new() { Name = "Where it came from" })).ToBeVisibleAsync();
            await Accessibility.AssertAccessibleAsync(visitor, "public screenshot archive with an upload");

            // The archive's JSON says the same.
            var json = JsonDocument.Parse(await (await visitor.Context.APIRequest.GetAsync($"{Browser.BaseUrl}/api/v2/states/{Code}/screenshots.json")).TextAsync());
            var item = json.RootElement.GetProperty("screenshots").EnumerateArray().Single(s => s.GetProperty("id").GetGuid() == uploadId);
            Assert.Equal(("upload", said), (item.GetProperty("kind").GetString(), item.GetProperty("description").GetString()));
        });
    }

    private async Task<int> ScreenshotsOfAsync()
    {
        await using var app = Browser.Services();
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<CovidEntryDbContext>>().CreateDbContextAsync();
        return await db.Screenshots.CountAsync(s => s.JurisdictionCode == Code);
    }

    private static Task PasteAsync(IPage page) =>
        page.EvaluateAsync(
            """
            base64 => {
                const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
                const data = new DataTransfer();
                data.items.add(new File([bytes], "clipboard.png", { type: "image/png" }));
                document.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
            }
            """,
            Convert.ToBase64String(ImageCorpus.ScreenshotPng(600, 500)));
}
