using System.Globalization;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CovidEntry.Tests.Browser;

/// <summary>
/// Decompression bombs uploaded through the screenshot viewer of the running app, four
/// volunteers at once: each is refused with a sentence where it was given, and the app's memory
/// does not grow by what the files claim (160 MB each).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class HostileUploadBrowserTests(BrowserFixture browser, ITestOutputHelper output) : BrowserTest(browser, output)
{
    private static readonly string[] Codes = ["VT", "NH", "ME", "WY"];

    [Fact]
    public async Task FourVolunteersUploadingTinyFortyMegapixelPngsAtOnceAreRefusedAndTheAppsMemoryStaysPut()
    {
        await RunAsync(async () =>
        {
            var viewers = new List<(IPage Page, ILocator Input)>();
            for (var i = 0; i < Codes.Length; i++)
            {
                var email = await Browser.CreatePersonAsync($"Bomb Volunteer {i}");
                var shift = await Browser.OpenShiftAsync($"bomb shift {i}", new DateOnly(2020, 12, 10 + i), [Codes[i]], firstPassEmail: email);
                var person = await PersonAsync($"Volunteer {i}");
                await person.SignInAsync(email, BrowserFixture.AdminPassword);
                await person.OpenAsync($"entries/{shift.Entries.Single().EntryId}/pass/1");
                var viewer = person.Page.Locator("[data-testid='screenshot-viewer'][data-ready='true']");
                await Expect(viewer).ToHaveCountAsync(1);
                await viewer.GetByLabel("Source the image shows").SelectOptionAsync(new SelectOptionValue { Index = 1 });
                await Expect(viewer.Locator("input[type=file]")).ToBeEnabledAsync();
                viewers.Add((person.Page, viewer.Locator("input[type=file]")));
            }

            // The peak resident memory from now on (writing 5 to clear_refs resets it).
            var pid = Browser.AppProcessId;
            await File.WriteAllTextAsync($"/proc/{pid}/clear_refs", "5");
            var before = Kilobytes(pid, "VmRSS");

            var bomb = ImageCorpus.TinyPngClaimingFortyMegapixels();
            await Task.WhenAll(viewers.Select(v => v.Input.SetInputFilesAsync(new FilePayload { Name = "numbers.png", MimeType = "image/png", Buffer = bomb })));
            foreach (var (page, _) in viewers)
            {
                await Expect(page.GetByTestId("viewer-message")).ToBeVisibleAsync();
            }

            var grown = Kilobytes(pid, "VmHWM") - before;
            Assert.True(grown < 100 * 1024, $"The app's resident memory peaked {grown / 1024} MB above where it was while four 86-byte files were refused.");
            foreach (var (page, _) in viewers)
            {
                await Expect(page.GetByTestId("viewer-message")).ToContainTextAsync(
                    "The image claims to be 6324 × 6324 pixels, but a file of 86 bytes cannot hold that many: it is damaged.");
            }
        });
    }

    private static long Kilobytes(int pid, string field) =>
        long.Parse(
            File.ReadLines($"/proc/{pid}/status").Single(line => line.StartsWith(field + ":", StringComparison.Ordinal))
                .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1],
            CultureInfo.InvariantCulture);
}
