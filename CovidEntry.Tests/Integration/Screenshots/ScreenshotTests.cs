using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using CovidEntry.App.Features.History;
using CovidEntry.App.Features.Publish;
using CovidEntry.App.Features.Reconcile;
using CovidEntry.App.Features.Screenshots;
using CovidEntry.App.Features.Shifts;
using CovidEntry.Domain;
using CovidEntry.Domain.Screenshots;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CovidEntry.Tests.Integration;

/// <summary>Uploaded and pasted screenshots: stored once by hash, refused when not images, public once approved or cited, and cited by values.</summary>
public class ScreenshotTests : PublicApiTest
{
    private async Task<int> SourceIdAsync(string code)
    {
        await using var db = await Database.DbAsync();
        return await db.Jurisdictions.Where(j => j.Code == code).SelectMany(j => j.Sources).OrderBy(s => s.Position).Select(s => s.Id).FirstAsync();
    }

    private async Task<ScreenshotView> UploadAsync(string code, byte[] image, ScreenshotOrigin origin = ScreenshotOrigin.Upload) =>
        await Database.Get<ScreenshotService>().UploadAsync(code, await SourceIdAsync(code), image, origin, Loop.Vera);

    [Fact]
    public async Task AnUploadIsStoredOnceUnderTheHashOfItsReencodedBytes()
    {
        var png = ImageCorpus.ScreenshotPng();
        var first = await UploadAsync("NY", png);
        var again = await UploadAsync("NY", png, ScreenshotOrigin.Paste);

        Assert.Equal(first.Sha256, again.Sha256);
        Assert.NotEqual(first.Id, again.Id);
        Assert.Equal((800, 600, "image/png"), (first.Width, first.Height, first.ContentType));

        await Database.Get<ScreenshotService>().ApproveAsync(first.Id, Loop.Lead);
        var served = await Http.GetByteArrayAsync("/" + first.ImageUrl);
        Assert.Equal(first.Sha256, Convert.ToHexStringLower(SHA256.HashData(served)));
        Assert.Equal(first.ByteCount, served.Length);

        await using var db = await Database.DbAsync();
        Assert.Equal(1, await db.ImageBlobs.CountAsync());
        Assert.Equal(2, await db.Screenshots.CountAsync());
        var stored = await db.Screenshots.SingleAsync(s => s.Id == again.Id);
        Assert.Equal((ScreenshotOrigin.Paste, Loop.Vera), (stored.Origin, stored.UploadedByUserId));
    }

    [Fact]
    public async Task AnUploadWithExifIsStrippedAndGetsAThumbnailAtMost320Wide()
    {
        var uploaded = await UploadAsync("NY", ImageCorpus.PngWithExif());
        await Database.Get<ScreenshotService>().ApproveAsync(uploaded.Id, Loop.Lead);

        var served = await Http.GetByteArrayAsync("/" + uploaded.ImageUrl);
        Assert.DoesNotContain(ImageCorpus.ChunksOf(served), chunk => chunk.Type == "eXIf");
        using var response = await Http.GetAsync("/" + uploaded.ThumbnailUrl);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        using var thumbnail = SkiaSharp.SKBitmap.Decode(await response.Content.ReadAsByteArrayAsync());
        Assert.True(thumbnail.Width <= 320);
        Assert.Contains("immutable", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
    }

    public static TheoryData<string> RefusedFiles() => new()
    {
        nameof(ImageCorpus.SvgWithScript),
        nameof(ImageCorpus.HtmlRenamedPng),
        nameof(ImageCorpus.TruncatedPng),
        nameof(ImageCorpus.HugeDimensionPng),
        nameof(ImageCorpus.DecompressionBombPng),
        nameof(ImageCorpus.Gif),
        "Empty",
    };

    [Theory]
    [MemberData(nameof(RefusedFiles))]
    public async Task AFileThatIsNotAReadableImageIsRefusedWithASentenceAndNothingIsStored(string name)
    {
        var bytes = name == "Empty" ? [] : (byte[])typeof(ImageCorpus).GetMethod(name)!.Invoke(null, [])!;

        var refusal = await Assert.ThrowsAsync<DomainException>(() => UploadAsync("NY", bytes));

        Assert.EndsWith(".", refusal.Message, StringComparison.Ordinal);
        await using var db = await Database.DbAsync();
        Assert.Equal(0, await db.ImageBlobs.CountAsync());
        Assert.Equal(0, await db.Screenshots.CountAsync());
    }

    [Fact]
    public async Task TheDatabaseRefusesToChangeOrRemoveAScreenshotOrItsImage()
    {
        var uploaded = await UploadAsync("NY", ImageCorpus.ScreenshotPng());

        await using var db = await Database.DbAsync();
        foreach (var sql in new[]
                 {
                     $"UPDATE \"Screenshots\" SET \"SourceLabel\" = 'x' WHERE \"Id\" = '{uploaded.Id}'",
                     $"DELETE FROM \"Screenshots\" WHERE \"Id\" = '{uploaded.Id}'",
                     $"UPDATE \"ImageBlobs\" SET \"Content\" = '\\x00' WHERE \"Sha256\" = '{uploaded.Sha256}'",
                     "DELETE FROM \"ImageBlobs\"",
                     "TRUNCATE \"ImageBlobs\" CASCADE",
                 })
        {
            var (asApp, asOwner) = await Database.RefusalsAsync(sql);
            Assert.Contains("permission denied", asApp.MessageText, StringComparison.Ordinal);
            Assert.Contains("immutable", asOwner.MessageText, StringComparison.Ordinal);
        }

        Assert.Equal(1, await db.Screenshots.CountAsync());
    }

    [Fact]
    public async Task TheArchiveListsAJurisdictionsScreenshotsWithoutWhoUploadedThem()
    {
        var uploaded = await UploadAsync("NY", ImageCorpus.ScreenshotJpeg());
        var unreviewed = await UploadAsync("NY", ImageCorpus.ScreenshotPng(640, 480));
        await UploadAsync("CA", ImageCorpus.ScreenshotPng());
        await Database.Get<ScreenshotService>().ApproveAsync(uploaded.Id, Loop.Lead);

        var body = await Http.GetStringAsync("/api/v2/states/ny/screenshots.json");
        using var json = JsonDocument.Parse(body);
        var item = json.RootElement.GetProperty("screenshots").EnumerateArray().Single();
        Assert.Equal(uploaded.Sha256, item.GetProperty("sha256").GetString());
        Assert.Equal("upload", item.GetProperty("kind").GetString());
        Assert.Equal("image/jpeg", item.GetProperty("contentType").GetString());
        Assert.DoesNotContain(Loop.Vera, body, StringComparison.Ordinal);
        Assert.DoesNotContain("Vera", body, StringComparison.Ordinal);
        Assert.DoesNotContain(unreviewed.Sha256, body, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/api/v2/states/zz/screenshots.json")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.GetAsync("/api/v2/states/ny/screenshots.json?page=0")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/screenshots/" + new string('0', 64))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/screenshots/..%2F..%2Fetc%2Fpasswd")).StatusCode);
    }

    [Fact]
    public async Task EachValueRecordsItsScreenshotAndThePublishedVersionLinksToIt()
    {
        var nyShot = await UploadAsync("NY", ImageCorpus.ScreenshotPng());
        var region = MarkedRegion.Create(0.1, 0.2, 0.3, 0.05);
        var shiftId = await Loop.OpenShiftAsync(Day, "NY");
        var entryId = await Loop.EntryIdAsync(shiftId, "NY");
        var values = new Dictionary<string, string> { ["positive"] = "1,000", ["death"] = "20" };
        await Loop.SubmitAsync(entryId, 1, Loop.Vera, values, evidence: new Dictionary<string, ValueEvidence>
        {
            ["positive"] = new(nyShot.Id, region),
            ["death"] = new(nyShot.Id),

            // Cites a field left empty: nothing is recorded for it.
            ["hospitalizedCurrently"] = new(nyShot.Id),
        });
        await Loop.SubmitAsync(entryId, 2, Loop.Cole, values);
        await Database.Get<ShiftService>().BeginReviewAsync(shiftId, Loop.Lead);
        await Loop.ApproveAllAsync(shiftId);
        await Database.Get<PublishService>().PublishShiftAsync(shiftId, Loop.Lead);

        await using (var db = await Database.DbAsync())
        {
            var pass = await db.Entries.Where(e => e.Id == entryId).SelectMany(e => e.Passes).SingleAsync(p => p.Number == 1);
            Assert.Equal(new ValueEvidence(nyShot.Id, region), pass.EvidenceByMetric()["positive"]);
            Assert.False(pass.EvidenceByMetric().ContainsKey("hospitalizedCurrently"));
            var version = await db.ValueVersions.SingleAsync(v => v.JurisdictionCode == "NY" && v.MetricKey == "positive");
            Assert.Equal(nyShot.Id, version.ScreenshotId);
        }

        var timeline = await Database.Get<HistoryService>().TimelineAsync("NY", Day, "positive", withPrivateNotes: false);
        var published = Assert.Single(timeline!.Versions);
        Assert.Equal(nyShot.Sha256, published.Screenshot?.Sha256);
        Assert.Equal(region, published.Passes.Single(p => p.Number == 1).Evidence?.Region);
        Assert.Null(published.Passes.Single(p => p.Number == 2).Screenshot);

        using var v2 = JsonDocument.Parse(await Http.GetStringAsync("/api/v2/states/NY/daily.json"));
        var day = v2.RootElement.GetProperty("data").EnumerateArray().Single();
        var positive = day.GetProperty("cases").GetProperty("total").GetProperty("screenshot");
        Assert.Equal(nyShot.Sha256, positive.GetProperty("sha256").GetString());
        Assert.Equal("/" + nyShot.ImageUrl, positive.GetProperty("url").GetString());
    }

    [Fact]
    public async Task AValueCannotCiteAnotherJurisdictionsScreenshot()
    {
        var caShot = await UploadAsync("CA", ImageCorpus.ScreenshotPng());
        var shiftId = await Loop.OpenShiftAsync(Day, "NY");
        var entryId = await Loop.EntryIdAsync(shiftId, "NY");

        var refusal = await Assert.ThrowsAsync<DomainException>(() => Loop.SubmitAsync(entryId, 1, Loop.Vera,
            new Dictionary<string, string> { ["positive"] = "5" }, evidence: new Dictionary<string, ValueEvidence> { ["positive"] = new(caShot.Id) }));

        Assert.Contains("not one of NY's", refusal.Message, StringComparison.Ordinal);
        await using var db = await Database.DbAsync();
        Assert.Equal(0, await db.Set<CovidEntry.Domain.Entries.Pass>().CountAsync());
    }

    [Fact]
    public async Task ReconciliationShowsEachPasssScreenshotNextToItsValue()
    {
        var morning = await UploadAsync("NY", ImageCorpus.ScreenshotPng(800, 600));
        var evening = await UploadAsync("NY", ImageCorpus.ScreenshotPng(900, 600));
        var shiftId = await Loop.OpenShiftAsync(Day, "NY");
        var entryId = await Loop.EntryIdAsync(shiftId, "NY");
        await Loop.SubmitAsync(entryId, 1, Loop.Vera, new Dictionary<string, string> { ["positive"] = "100" },
            evidence: new Dictionary<string, ValueEvidence> { ["positive"] = new(morning.Id) });
        await Loop.SubmitAsync(entryId, 2, Loop.Cole, new Dictionary<string, string> { ["positive"] = "120" },
            evidence: new Dictionary<string, ValueEvidence> { ["positive"] = new(evening.Id, MarkedRegion.Create(0.5, 0.5, 0.1, 0.1)) });

        var view = await Database.Get<ReconcileService>().GetAsync(entryId);

        var row = view.Mismatches.Single(m => m.MetricKey == "positive");
        Assert.Equal(morning.Id, row.FirstPassEvidence?.ScreenshotId);
        Assert.Equal(evening.Id, row.SecondPassEvidence?.ScreenshotId);
        Assert.Equal(evening.Sha256, view.Screenshots![evening.Id].Sha256);
    }
}
