using CovidEntry.App.Features.Jurisdictions;
using System.Net;
using CovidEntry.App.Features.Screenshots;
using CovidEntry.Domain.People;
using CovidEntry.Domain.Screenshots;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CovidEntry.Tests.Integration;

/// <summary>The app as shipped (private targets not allowed), capturing on its own, looking for work often.</summary>
public sealed class CapturingApp : RunningApp
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Identity__SignInRateLimit__PermitsPerMinute"] = "1000",
        ["Screenshots__PollSeconds"] = "0.2",
    };
}

/// <summary>
/// The running app with its default settings, attacked through a source whose address is (or has
/// become) private: its own worker, proxy and sandboxed Chromium refuse it, the Captures page says
/// why in a sentence, and nothing is stored or published.
/// </summary>
public sealed class CaptureDefaultsTests(CapturingApp app) : IClassFixture<CapturingApp>
{
    [Fact]
    public async Task ASourceOnAPrivateAddressFailsAtOnceWithASentenceOnTheCapturesPageAndStoresNothing()
    {
        await using var intranet = await LocalPages.StartAsync();
        intranet.Html("/admin", LocalPages.Document("Router admin", "<h1>Wi-Fi password: hunter2</h1>"));
        var url = intranet.Url("/admin");
        var lead = await app.CreatePersonAsync("Ada Admin", Roles.Admin);
        var leadId = await app.WithUsersAsync(async users => (await users.FindByEmailAsync(lead))!.Id);

        // Saved around the form, as a source whose name later pointed inside would be.
        Guid jobId;
        await using (var services = TestApp.Build(app.ConnectionString))
        {
            using var scope = services.Services.CreateScope();
            var sources = scope.ServiceProvider.GetRequiredService<SourceService>();
            var sourceId = await sources.AddAsync("NY", new SourceForm { Label = "Router", Url = url }, leadId);
            await scope.ServiceProvider.GetRequiredService<ScreenshotService>().RequestCaptureAsync("NY", sourceId, leadId);
            await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<App.Data.CovidEntryDbContext>>().CreateDbContextAsync();
            jobId = await db.CaptureJobs.Where(j => j.SourceId == sourceId).Select(j => j.Id).SingleAsync();
        }

        var job = await FinishedAsync(jobId);

        var sentence = $"The page asked for {url}, a loopback address (this machine): captures only reach public internet addresses.";
        Assert.Equal((CaptureJobState.Failed, 1, sentence), (job.State, job.Tries, job.Error));
        Assert.Equal(0, intranet.Requests("/admin"));
        await using (var services = TestApp.Build(app.ConnectionString))
        await using (var db = await services.Services.GetRequiredService<IDbContextFactory<App.Data.CovidEntryDbContext>>().CreateDbContextAsync())
        {
            Assert.Equal(0, await db.Screenshots.CountAsync());
            Assert.Equal(0, await db.ImageBlobs.CountAsync());
        }

        using var client = app.NewClient();
        await client.SignInAsync(lead, RunningApp.Password);
        using var page = await client.Http.GetAsync("screenshots/captures");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());
        Assert.Contains(sentence, html, StringComparison.Ordinal);
    }

    private async Task<CaptureJob> FinishedAsync(Guid jobId)
    {
        await using var services = TestApp.Build(app.ConnectionString);
        var factory = services.Services.GetRequiredService<IDbContextFactory<App.Data.CovidEntryDbContext>>();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (true)
        {
            await using var db = await factory.CreateDbContextAsync();
            var job = await db.CaptureJobs.AsNoTracking().SingleAsync(j => j.Id == jobId);
            if (job.IsFinished)
            {
                return job;
            }

            Assert.False(patience.IsCancellationRequested, $"The capture did not finish within 90 s; it is {job.State}. The app said:\n{app.Output}");
            await Task.Delay(200);
        }
    }
}
