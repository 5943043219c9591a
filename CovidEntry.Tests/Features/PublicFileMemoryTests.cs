using System.Text;
using CovidEntry.App.Features.Exports;
using CovidEntry.App.Features.Publish;
using Microsoft.Extensions.Logging.Abstractions;

namespace CovidEntry.Tests.Features;

/// <summary>
/// A generation of public files lives until the next one replaces it: its bytes are kept outside the
/// young generations, so the young collections that come during a publish neither copy nor count them.
/// </summary>
public sealed class PublicFileMemoryTests
{
    [Fact]
    public void ASmallFilesBytesInEveryFormAreHeldOutsideTheYoungGenerations()
    {
        var content = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("date,state,positive\n20210307,NY,1681169\n", 200)));

        var file = PublicFile.Make("api/v1/states/NY/daily.csv", "text/csv", "daily.csv", 200, content, DateTimeOffset.UnixEpoch);

        Assert.Equal(content, file.Content);
        Assert.Equal(content, PublicFileCompression.Gunzip(file.Gzip!));
        Assert.All([file.Content, file.Gzip!, file.Brotli!], bytes => Assert.True(GC.GetGeneration(bytes) >= GC.MaxGeneration, $"held in generation {GC.GetGeneration(bytes)}"));
    }

    [Fact]
    public void ALargeFileIsNotCopiedAgain()
    {
        var content = new byte[1 << 20];
        Random.Shared.NextBytes(content);
        Assert.True(GC.GetGeneration(content) >= GC.MaxGeneration);

        var file = new PublicFile("api/v1/states/daily.json", "application/json", null, 1, content, null, null, "0", DateTimeOffset.UnixEpoch);

        Assert.Same(content, file.Content);
    }

    [Fact]
    public void TheGarbageOfMakingAGenerationIsCollectedBeforeItGoesIn()
    {
        var garbage = new RebuildGarbage(new PublishPriority(TimeProvider.System), NullLogger<RebuildGarbage>.Instance);
        var before = GC.CollectionCount(1);

        Assert.True(garbage.Collect(7));

        // Both young generations were collected. (Not "a young object left generation 0": the GC may
        // keep survivors there, e.g. beside an object another thread has pinned; CI saw it once.)
        Assert.True(GC.CollectionCount(1) > before, "no collection of generation 1");
        Assert.Equal(1, garbage.Collections);
    }

    [Fact]
    public void NotWhileAPublishRuns()
    {
        var priority = new PublishPriority(TimeProvider.System);
        var garbage = new RebuildGarbage(priority, NullLogger<RebuildGarbage>.Instance);

        using (priority.Publish())
        {
            Assert.False(garbage.Collect(7));
        }

        Assert.Equal(0, garbage.Collections);
        Assert.True(garbage.Collect(8));
        Assert.Equal(1, garbage.Collections);
    }
}
