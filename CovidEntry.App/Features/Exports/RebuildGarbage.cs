using CovidEntry.App.Features.Publish;

namespace CovidEntry.App.Features.Exports;

/// <summary>
/// Making or loading a generation of public files allocates more than anything else the app does
/// (the rows they are made from, every file, its gzip and Brotli forms), and most of it is garbage as
/// soon as the files are made. Left alone, the young collection that garbage makes due comes at
/// whatever allocates next: in the benchmark, a lead's publish seconds later, one publish in four,
/// paused 70 to 120 ms (docs/benchmarks.md, issue 20). Collected by the worker once the generation is
/// made or loaded, just before it goes in, the young generations start empty and the next collection
/// is a whole budget of ordinary work away (64 MB, <c>DOTNET_GCgen0size</c>). Never while a publish
/// runs on this instance: that would pause the very thing this is for.
/// </summary>
public sealed class RebuildGarbage(PublishPriority priority, ILogger<RebuildGarbage> logger)
{
    private long _collections;

    /// <summary>How many times the worker's garbage was collected before a generation went in.</summary>
    public long Collections => Interlocked.Read(ref _collections);

    /// <summary>Collects the young generations once generation <paramref name="generationId"/> is made or loaded; false if a publish runs now.</summary>
    public bool Collect(long generationId)
    {
        if (priority.Publishing)
        {
            logger.LogDebug("Public file generation {GenerationId} is ready during a publish: its garbage is left to the next collection", generationId);
            return false;
        }

        var pausedBefore = GC.GetTotalPauseDuration();
        GC.Collect(1, GCCollectionMode.Forced, blocking: true);
        Interlocked.Increment(ref _collections);
        logger.LogInformation("Public file generation {GenerationId} is ready; the young garbage of making it collected, pausing the app {PauseMs} ms",
            generationId, (long)(GC.GetTotalPauseDuration() - pausedBefore).TotalMilliseconds);
        return true;
    }
}
