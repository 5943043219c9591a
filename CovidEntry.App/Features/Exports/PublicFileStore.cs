using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace CovidEntry.App.Features.Exports;

public sealed class PublicFileOptions
{
    public const string Section = "PublicFiles";

    /// <summary>Quiet time after a change before the files are made again: a burst of commits makes one generation.</summary>
    public int DebounceMilliseconds { get; set; } = 500;

    /// <summary>Longest a stream of changes may put the files off.</summary>
    public int MaxDelayMilliseconds { get; set; } = 5_000;

    /// <summary>How often an instance checks for a change it was not told about (a lost notification).</summary>
    public int PollSeconds { get; set; } = 5;

    /// <summary>
    /// How long an instance serves a generation it knows is older than the data while a new one cannot
    /// be made (an error); after that it makes each file per request again, which is slow but current.
    /// </summary>
    public int BehindLimitSeconds { get; set; } = 60;

    /// <summary>How long shared caches (a CDN, nginx) may keep a live file before they ask again.</summary>
    public int MaxAgeSeconds { get; set; } = 60;

    /// <summary>
    /// How much longer than any publish or import can take, clocks of different instances included,
    /// before an as-of moment is final: only then is its answer cached as immutable.
    /// </summary>
    public int AsOfSettleMinutes { get; set; } = 15;

    /// <summary>Memory for as-of answers and snapshot files, least recently used first out.</summary>
    public int CacheMegabytes { get; set; } = 256;

    /// <summary>As-of files made from the database at once per instance; more requests wait their turn.</summary>
    public int ConcurrentAsOfReads { get; set; } = 2;
}

/// <summary>
/// The public files of this instance: the current generation (replaced whole, never changed), and a
/// bounded cache of files that never change (as-of answers of a past moment, snapshot files) or change
/// only with the next generation (as-of answers of a recent moment).
/// </summary>
public sealed class PublicFileStore(IOptions<PublicFileOptions> options, TimeProvider clock)
{
    private readonly PublicFileOptions _options = options.Value;
    private readonly ByteBoundedCache _cache = new(options.Value.CacheMegabytes * 1024L * 1024L);
    private readonly SemaphoreSlim _asOfReads = new(options.Value.ConcurrentAsOfReads);
    private readonly object _gate = new();
    private PublicFileSet? _current;
    private DateTimeOffset? _behindSince;
    private List<(string Key, TaskCompletionSource Done)> _waiting = [];

    public PublicFileOptions Options => _options;

    /// <summary>The generation to serve, or null when there is none or it has been behind the data for too long.</summary>
    public PublicFileSet? Current
    {
        get
        {
            var behind = _behindSince;
            return behind is { } since && clock.GetUtcNow() - since > TimeSpan.FromSeconds(_options.BehindLimitSeconds) ? null : _current;
        }
    }

    /// <summary>The loaded generation, whether or not it is behind.</summary>
    public PublicFileSet? Loaded => _current;

    public string CurrentCacheControl { get; } =
        $"public, max-age={options.Value.MaxAgeSeconds}, stale-while-revalidate={options.Value.MaxAgeSeconds}, stale-if-error=86400";

    public const string ImmutableCacheControl = "public, max-age=31536000, immutable";

    public long CachedBytes => _cache.Bytes;

    public void Publish(PublicFileSet set)
    {
        List<(string Key, TaskCompletionSource Done)> released;
        lock (_gate)
        {
            _current = set;
            _behindSince = null;
            released = _waiting.Where(w => w.Key == set.Key).ToList();
            _waiting = _waiting.Except(released).ToList();
        }

        foreach (var (_, done) in released)
        {
            done.TrySetResult();
        }
    }

    /// <summary>The data has moved past the loaded generation (a new one is on its way).</summary>
    public void MarkBehind(string sourceKey)
    {
        lock (_gate)
        {
            if (_current?.Key != sourceKey)
            {
                _behindSince ??= clock.GetUtcNow();
            }
        }
    }

    /// <summary>Completes when a generation of <paramref name="sourceKey"/> is being served.</summary>
    public Task WhenServingAsync(string sourceKey)
    {
        lock (_gate)
        {
            if (_current?.Key == sourceKey)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Add((sourceKey, done));
            return done.Task;
        }
    }

    /// <summary>
    /// Whether an as-of answer for <paramref name="moment"/> is final: the moment is older than the
    /// newest publish of <paramref name="set"/> (so later publishes are after it) and older than the
    /// settle time before the generation was read (so every publish stamped before it had committed).
    /// </summary>
    public bool IsSettled(PublicFileSet set, DateTimeOffset moment) =>
        set.LatestMoment is { } latest && moment.UtcDateTime < latest
        && moment.UtcDateTime <= set.Source.DatabaseNowUtc - TimeSpan.FromMinutes(_options.AsOfSettleMinutes);

    /// <summary>The cache's key of one file of a published snapshot.</summary>
    public static string SnapshotKey(Guid id, string name) => $"snapshot/{id}/{name}";

    /// <summary>A file already in the cache (and now its most recently used), or null; never makes one.</summary>
    public PublicFile? TryCached(string key) => _cache.TryGet(key);

    /// <summary>A cached file, or one made by <paramref name="make"/> once however many ask for it at the same time.</summary>
    public Task<PublicFile?> CachedAsync(string key, Func<CancellationToken, Task<PublicFile?>> make, bool limited, CancellationToken cancellationToken) =>
        _cache.GetOrAddAsync(key, async () =>
        {
            if (!limited)
            {
                return await make(CancellationToken.None);
            }

            // Made on behalf of everyone waiting for it, so one leaving does not cancel it; bounded in number.
            await _asOfReads.WaitAsync(CancellationToken.None);
            try
            {
                return await make(CancellationToken.None);
            }
            finally
            {
                _asOfReads.Release();
            }
        }, cancellationToken);

    /// <summary>Least recently used files out first, once their bytes together pass the budget; concurrent requests for one key share one making.</summary>
    private sealed class ByteBoundedCache(long budget)
    {
        private readonly ConcurrentDictionary<string, Lazy<Task<PublicFile?>>> _making = new();
        private readonly Dictionary<string, LinkedListNode<(string Key, PublicFile File)>> _entries = [];
        private readonly LinkedList<(string Key, PublicFile File)> _order = new();
        private readonly object _lock = new();
        private long _bytes;

        public long Bytes => Interlocked.Read(ref _bytes);

        public PublicFile? TryGet(string key)
        {
            lock (_lock)
            {
                if (!_entries.TryGetValue(key, out var hit))
                {
                    return null;
                }

                _order.Remove(hit);
                _order.AddFirst(hit);
                return hit.Value.File;
            }
        }

        public async Task<PublicFile?> GetOrAddAsync(string key, Func<Task<PublicFile?>> make, CancellationToken cancellationToken)
        {
            if (TryGet(key) is { } cached)
            {
                return cached;
            }

            var making = _making.GetOrAdd(key, k => new Lazy<Task<PublicFile?>>(async () =>
            {
                try
                {
                    var file = await make();
                    if (file is not null)
                    {
                        Add(key, file);
                    }

                    return file;
                }
                finally
                {
                    _making.TryRemove(key, out _);
                }
            }));
            return await making.Value.WaitAsync(cancellationToken);
        }

        private void Add(string key, PublicFile file)
        {
            if (file.Footprint > budget)
            {
                return;
            }

            lock (_lock)
            {
                if (_entries.ContainsKey(key))
                {
                    return;
                }

                _entries[key] = _order.AddFirst((key, file));
                _bytes += file.Footprint;
                while (_bytes > budget && _order.Last is { } oldest)
                {
                    _order.RemoveLast();
                    _entries.Remove(oldest.Value.Key);
                    _bytes -= oldest.Value.File.Footprint;
                }
            }
        }
    }
}
