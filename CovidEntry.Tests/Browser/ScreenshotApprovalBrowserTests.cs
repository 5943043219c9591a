using System.Net;
using CovidEntry.App.Data;
using CovidEntry.App.Features.Screenshots;
using CovidEntry.Domain.People;
using CovidEntry.Domain.Screenshots;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CovidEntry.Tests.Browser;

/// <summary>A volunteer's upload stays with the staff until a lead approves it on the archive page, in Chromium against the running app.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ScreenshotApprovalBrowserTests(BrowserFixture browser, ITestOutputHelper output) : BrowserTest(browser, output)
{
    private const string Code = "SD";

    [Fact]
    public async Task ALeadApprovesAnUploadOnTheArchivePageAndOnlyThenThePublicSeesIt()
    {
        await RunAsync(async () =>
        {
            var volunteerEmail = await Browser.CreatePersonAsync("Uma Uploader");
            var leadEmail = await Browser.CreatePersonAsync("Alma Approver", Roles.ShiftLead);
            ScreenshotView upload;
            await using (var app = Browser.Services())
            {
                using var scope = app.Services.CreateScope();
                var volunteer = (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(volunteerEmail))!;
                await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<CovidEntryDbContext>>().CreateDbContextAsync();
                var source = await db.Jurisdictions.Where(j => j.Code == Code).SelectMany(j => j.Sources).Select(s => s.Id).FirstAsync();
                upload = await scope.ServiceProvider.GetRequiredService<ScreenshotService>()
                    .UploadAsync(Code, source, ImageCorpus.ScreenshotPng(700, 500), ScreenshotOrigin.Upload, volunteer.Id);
            }

            using var anonymous = new HttpClient { BaseAddress = new Uri(Browser.BaseUrl + "/") };
            Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(upload.ImageUrl)).StatusCode);
            Assert.DoesNotContain(upload.Sha256, await anonymous.GetStringAsync($"data/{Code}/screenshots"), StringComparison.Ordinal);

            // A volunteer sees it marked for the staff, with no way to approve it.
            var uma = await PersonAsync("Uma");
            await uma.SignInAsync(volunteerEmail, BrowserFixture.AdminPassword);
            await uma.OpenAsync($"data/{Code}/screenshots");
            var umasCell = uma.Page.GetByTestId($"public-{upload.Id}");
            await Expect(umasCell).ToContainTextAsync("staff only");
            await Expect(umasCell.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);

            var alma = await PersonAsync("Alma");
            await alma.SignInAsync(leadEmail, BrowserFixture.AdminPassword);
            await alma.OpenAsync($"data/{Code}/screenshots");
            var cell = alma.Page.GetByTestId($"public-{upload.Id}");
            await cell.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
            await Expect(alma.Page.Locator("#archive-message")).ToContainTextAsync("is now public");
            await Expect(cell).ToHaveTextAsync("public");

            using var image = await anonymous.GetAsync(upload.ImageUrl);
            Assert.Equal(HttpStatusCode.OK, image.StatusCode);
            Assert.Contains(upload.Sha256, await anonymous.GetStringAsync($"data/{Code}/screenshots"), StringComparison.Ordinal);
        });
    }
}
