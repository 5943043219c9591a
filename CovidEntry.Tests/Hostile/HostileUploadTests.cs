using CovidEntry.App.Features.Screenshots;
using CovidEntry.Domain;
using CovidEntry.Domain.Screenshots;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.Tests.Hostile;

/// <summary>A database with one screenshot already uploaded: no hostile upload may store anything or lose it.</summary>
public sealed class HostileUploadFixture : IAsyncLifetime
{
    /// <summary>Every upload here is by one volunteer, far more than one person may make in a minute: that limit is tested on its own.</summary>
    public TestDatabase Database { get; } = new(new Dictionary<string, string?> { ["Screenshots:UploadsPerMinute"] = "100000" });
    public LoopScenario Loop { get; private set; } = null!;
    public ScreenshotView Earlier { get; private set; } = null!;
    public int NewYorkSource { get; private set; }
    public int CaliforniaSource { get; private set; }

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        Loop = await new LoopScenario(Database).WithPeopleAsync();
        await using var db = await Database.DbAsync();
        NewYorkSource = await SourceOfAsync(db, "NY");
        CaliforniaSource = await SourceOfAsync(db, "CA");
        Earlier = await Database.Get<ScreenshotService>().UploadAsync("NY", NewYorkSource, ImageCorpus.ScreenshotJpeg(640, 480), ScreenshotOrigin.Upload, Loop.Vera);
    }

    public Task DisposeAsync() => Database.DisposeAsync();

    private static Task<int> SourceOfAsync(App.Data.CovidEntryDbContext db, string code) =>
        db.Jurisdictions.Where(j => j.Code == code).SelectMany(j => j.Sources).OrderBy(s => s.Position).Select(s => s.Id).FirstAsync();
}

/// <summary>The screenshot corpus and other hostile uploads: a refusal is a sentence and stores nothing; an image is stored re-encoded.</summary>
public class HostileUploadTests(HostileUploadFixture fixture) : IClassFixture<HostileUploadFixture>
{
    public const string Group = "Uploads";

    private static readonly (string Name, Func<byte[]> Build)[] Extra =
    [
        ("1 MB of NUL bytes", () => new byte[1024 * 1024]),
        ("random bytes", () => [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 251))]),
        ("PNG signature only", () => ImageCorpus.ScreenshotPng()[..8]),
        ("JPEG start-of-image marker only", () => [0xFF, 0xD8, 0xFF]),
        ("WebP RIFF header only", () => "RIFF\0\0\0\0WEBPVP8 "u8.ToArray()),
        ("a CSV file renamed .png", () => File.ReadAllBytes(CtpSample.HistoryFile)),
    ];

    private static readonly (string Name, string Code, Func<HostileUploadFixture, int> Source, string Error)[] Targets =
    [
        ("unknown jurisdiction code", "ZZ", f => f.NewYorkSource, "Pick one of the jurisdiction's sources for the image."),
        ("another jurisdiction's source", "NY", f => f.CaliforniaSource, "Pick one of the jurisdiction's sources for the image."),
        ("SQL in the jurisdiction code", "NY' OR '1'='1", f => f.NewYorkSource, "Pick one of the jurisdiction's sources for the image."),
        ("path traversal in the jurisdiction code", "../../etc/passwd", f => f.NewYorkSource, "Pick one of the jurisdiction's sources for the image."),
        ("NUL in the jurisdiction code", "N\0Y", f => f.NewYorkSource, "Pick one of the jurisdiction's sources for the image."),
        ("source id that does not exist", "NY", _ => int.MaxValue, "Pick one of the jurisdiction's sources for the image."),
    ];

    public static IEnumerable<HostileCase> Cases() =>
        ImageCorpus.Cases.Select(c => new HostileCase(Group, c.Name, c.Refusal is { } refusal
                ? $"refused ({refusal}) with a sentence; nothing stored"
                : "accepted: decoded and re-encoded (metadata and trailing bytes dropped)"))
            .Concat(Extra.Select(e => new HostileCase(Group, e.Name, "refused with a sentence; nothing stored")))
            .Concat(Targets.Select(t => new HostileCase(Group, $"a good image to {t.Name}", $"refused: \"{t.Error}\"; nothing stored")));

    public static TheoryData<string> CorpusNames() => [.. ImageCorpus.Cases.Select(c => c.Name)];

    public static TheoryData<string> ExtraNames() => [.. Extra.Select(e => e.Name)];

    public static TheoryData<string> TargetNames() => [.. Targets.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(CorpusNames))]
    public async Task ACorpusFileIsStoredReencodedOrRefusedWithASentenceStoringNothing(string name)
    {
        var corpus = ImageCorpus.Cases.Single(c => c.Name == name);
        var bytes = corpus.Build();
        var before = await CountsAsync();

        if (corpus.Refusal is null)
        {
            var stored = await UploadAsync("NY", fixture.NewYorkSource, bytes);
            Assert.True(stored.Width > 0 && stored.ByteCount > 0);
            await using var db = await fixture.Database.DbAsync();
            Assert.True(await db.Screenshots.AnyAsync(s => s.Id == stored.Id));
            await AssertEarlierKeptAsync();
            return;
        }

        await AssertRefusedAsync(() => UploadAsync("NY", fixture.NewYorkSource, bytes), before);
    }

    [Theory]
    [MemberData(nameof(ExtraNames))]
    public async Task AFileThatIsNotAnImageIsRefusedWithASentenceStoringNothing(string name)
    {
        var bytes = Extra.Single(e => e.Name == name).Build();

        await AssertRefusedAsync(() => UploadAsync("NY", fixture.NewYorkSource, bytes), await CountsAsync());
    }

    [Theory]
    [MemberData(nameof(TargetNames))]
    public async Task AGoodImageForAHostileJurisdictionOrSourceIsRefusedStoringNothing(string name)
    {
        var (_, code, source, error) = Targets.Single(t => t.Name == name);

        var refused = await AssertRefusedAsync(() => UploadAsync(code, source(fixture), ImageCorpus.ScreenshotPng(320, 200)), await CountsAsync());

        Assert.Equal(error, refused.Message);
    }

    private Task<ScreenshotView> UploadAsync(string code, int sourceId, byte[] bytes) =>
        fixture.Database.Get<ScreenshotService>().UploadAsync(code, sourceId, bytes, ScreenshotOrigin.Upload, fixture.Loop.Vera);

    private async Task<DomainException> AssertRefusedAsync(Func<Task> upload, string before)
    {
        var refused = await Assert.ThrowsAsync<DomainException>(upload);

        Assert.EndsWith(".", refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, await CountsAsync());
        await AssertEarlierKeptAsync();
        return refused;
    }

    private async Task AssertEarlierKeptAsync()
    {
        await using var db = await fixture.Database.DbAsync();
        var earlier = await db.Screenshots.SingleAsync(s => s.Id == fixture.Earlier.Id);
        Assert.Equal(fixture.Earlier.Sha256, earlier.Sha256);
        Assert.True(await db.ImageBlobs.AnyAsync(b => b.Sha256 == fixture.Earlier.Sha256));
    }

    private async Task<string> CountsAsync()
    {
        await using var db = await fixture.Database.DbAsync();
        return await DomainCounts.TakeAsync(db);
    }
}
