using System.Net;
using CovidEntry.App.Features.Publish;
using CovidEntry.App.Features.Screenshots;
using CovidEntry.App.Features.Shifts;
using CovidEntry.Domain.People;
using CovidEntry.Domain.Screenshots;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CovidEntry.Tests.Integration;

/// <summary>
/// Who sees a screenshot, asked of the app as Program.cs runs it: the public only sees those a
/// published value cites or a lead approved, on every route that serves screenshots or tells of
/// them; the staff, signed in, see every one.
/// </summary>
public sealed class ScreenshotPublicityTests : LoopTest
{
    private InProcessApp _app = null!;
    private HttpClient _public = null!;
    private HttpClient _staff = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _app = await InProcessApp.StartAsync(Database.ConnectionString);
        _public = _app.NewClient();
        _staff = _app.NewClient();
        await _staff.SignInAsync((await Database.CreatePersonAsync("Vic Volunteer", Roles.Volunteer)).Email, TestDatabase.Password);
    }

    public override async Task DisposeAsync()
    {
        _public.Dispose();
        _staff.Dispose();
        await _app.DisposeAsync();
        await base.DisposeAsync();
    }

    private async Task<ScreenshotView> UploadAsync(int width = 800)
    {
        await using var db = await Database.DbAsync();
        var source = await db.Jurisdictions.Where(j => j.Code == "NY").SelectMany(j => j.Sources).Select(s => s.Id).FirstAsync();
        return await Database.Get<ScreenshotService>().UploadAsync("NY", source, ImageCorpus.ScreenshotPng(width, 600), ScreenshotOrigin.Upload, Loop.Vera);
    }

    /// <summary>What an anonymous visitor can learn of <paramref name="shot"/>, route by route.</summary>
    private async Task<Dictionary<string, bool>> PublicSeesAsync(ScreenshotView shot)
    {
        var seen = new Dictionary<string, bool>();
        await _app.FreshPublicFilesAsync();
        foreach (var path in new[] { "/" + shot.ImageUrl, "/" + shot.ThumbnailUrl })
        {
            using var response = await _public.GetAsync(path);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"{path}: {response.StatusCode}");
            seen[path] = response.StatusCode == HttpStatusCode.OK;
        }

        foreach (var path in new[] { "/api/v2/states/NY/screenshots.json", "/data/NY/screenshots", "/api/v2/states/NY/daily.json" })
        {
            seen[path] = (await _public.GetStringAsync(path)).Contains(shot.Sha256, StringComparison.Ordinal);
        }

        return seen;
    }

    [Fact]
    public async Task AnUnreviewedUploadIsHiddenFromThePublicOnEveryRouteAndShownToTheStaff()
    {
        var upload = await UploadAsync();

        Assert.All(await PublicSeesAsync(upload), route => Assert.False(route.Value, $"The public sees the upload at {route.Key}"));
        using var refused = await _public.GetAsync("/" + upload.ImageUrl);
        Assert.Equal("no-store", refused.Headers.CacheControl?.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await _public.GetAsync("/" + upload.ImageUrl, HttpCompletionOption.ResponseHeadersRead)).StatusCode);

        using var image = await _staff.GetAsync("/" + upload.ImageUrl);
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.True(image.Headers.CacheControl!.Private, "A staff-only image must not be kept by a shared cache.");
        Assert.Equal(upload.ByteCount, (await image.Content.ReadAsByteArrayAsync()).Length);
        Assert.Equal(HttpStatusCode.OK, (await _staff.GetAsync("/" + upload.ThumbnailUrl)).StatusCode);
        Assert.Contains(upload.Sha256, await _staff.GetStringAsync("/data/NY/screenshots"), StringComparison.Ordinal);

        // The hash cannot be confirmed by the cache validator either.
        using var probe = new HttpRequestMessage(HttpMethod.Get, "/" + upload.ImageUrl);
        probe.Headers.TryAddWithoutValidation("If-None-Match", $"\"{upload.Sha256}\"");
        Assert.Equal(HttpStatusCode.NotFound, (await _public.SendAsync(probe)).StatusCode);
    }

    [Fact]
    public async Task ALeadsApprovalMakesAnUploadPublicOnEveryRouteAndIsOnTheAuditTrail()
    {
        var upload = await UploadAsync();
        var other = await UploadAsync(900);

        await Database.Get<ScreenshotService>().ApproveAsync(upload.Id, Loop.Lead);
        await Database.Get<ScreenshotService>().ApproveAsync(upload.Id, Loop.OtherLead);

        var seen = await PublicSeesAsync(upload);
        Assert.True(seen["/" + upload.ImageUrl] && seen["/" + upload.ThumbnailUrl] && seen["/api/v2/states/NY/screenshots.json"] && seen["/data/NY/screenshots"]);
        using var image = await _public.GetAsync("/" + upload.ImageUrl);
        Assert.True(image.Headers.CacheControl!.Public);
        Assert.All(await PublicSeesAsync(other), route => Assert.False(route.Value, $"The public sees the other upload at {route.Key}"));

        await using var db = await Database.DbAsync();
        var approval = await db.ScreenshotApprovals.SingleAsync();
        Assert.Equal((upload.Id, Loop.Lead), (approval.ScreenshotId, approval.ApprovedByUserId));
        Assert.True(await db.AuditEvents.AnyAsync(e => e.EntityType == "ScreenshotApprovals" && e.EntityKey == approval.Id.ToString() && e.Action == CovidEntry.Domain.Audit.AuditAction.Insert));
        foreach (var sql in new[] { "UPDATE \"ScreenshotApprovals\" SET \"ApprovedByUserId\" = \"ApprovedByUserId\"", "DELETE FROM \"ScreenshotApprovals\"", "TRUNCATE \"ScreenshotApprovals\" CASCADE" })
        {
            var refusedChange = await Assert.ThrowsAsync<PostgresException>(() => db.Database.ExecuteSqlRawAsync(sql));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refusedChange.SqlState);
        }
    }

    [Fact]
    public async Task AScreenshotBecomesPublicWhenAPublishedValueCitesItNotWhenAPassDoes()
    {
        var upload = await UploadAsync();
        var shiftId = await Loop.OpenShiftAsync(Day, "NY");
        var entryId = await Loop.EntryIdAsync(shiftId, "NY");
        var values = new Dictionary<string, string> { ["positive"] = "1,000" };
        await Loop.SubmitAsync(entryId, 1, Loop.Vera, values, evidence: new Dictionary<string, ValueEvidence> { ["positive"] = new(upload.Id) });
        await Loop.SubmitAsync(entryId, 2, Loop.Cole, values);

        Assert.All(await PublicSeesAsync(upload), route => Assert.False(route.Value, $"Cited by a pass only, the public sees it at {route.Key}"));

        await Database.Get<ShiftService>().BeginReviewAsync(shiftId, Loop.Lead);
        await Loop.ApproveAllAsync(shiftId);
        await Database.Get<PublishService>().PublishShiftAsync(shiftId, Loop.Lead);

        Assert.All(await PublicSeesAsync(upload), route => Assert.True(route.Value, $"Published, the public does not see it at {route.Key}"));
    }
}
