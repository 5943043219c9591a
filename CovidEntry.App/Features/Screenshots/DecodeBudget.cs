using Microsoft.Extensions.Options;

namespace CovidEntry.App.Features.Screenshots;

/// <summary>
/// The memory the app sets aside for decoding images, shared by uploads, pastes and captures:
/// at most <see cref="ScreenshotSettings.MaxConcurrentDecodes"/> decodes at once, and together at
/// most <see cref="ScreenshotSettings.DecodeMemoryMegabytes"/>, each reserving what its header
/// says it will cost before a pixel is allocated. Whoever cannot get a turn or the memory within
/// the wait is told the server is busy, instead of the app running out of memory.
/// </summary>
public sealed class DecodeBudget : IDisposable
{
    private readonly SemaphoreSlim _turns;
    private readonly SemaphoreSlim _memoryChanged = new(0);
    private readonly Lock _gate = new();
    private long _available;
    private long _peak;
    private long _granted;

    public DecodeBudget(IOptions<ScreenshotSettings> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = settings.Value;
        TotalBytes = (long)Math.Max(1, options.DecodeMemoryMegabytes) * 1024 * 1024;
        _available = TotalBytes;
        _turns = new SemaphoreSlim(Math.Max(1, options.MaxConcurrentDecodes));
    }

    public long TotalBytes { get; }

    /// <summary>Bytes reserved right now.</summary>
    public long ReservedBytes
    {
        get
        {
            lock (_gate)
            {
                return TotalBytes - _available;
            }
        }
    }

    /// <summary>The most ever reserved at once: never more than <see cref="TotalBytes"/>.</summary>
    public long PeakReservedBytes
    {
        get
        {
            lock (_gate)
            {
                return _peak;
            }
        }
    }

    /// <summary>How many reservations were ever granted (each one precedes a decode).</summary>
    public long Granted => Interlocked.Read(ref _granted);

    /// <summary>
    /// A turn and <paramref name="bytes"/> of the budget, or null when they could not be had within
    /// <paramref name="wait"/>. Dispose the lease when the decode is done. Asking for more than the
    /// whole budget is the caller's mistake: it is checked before asking.
    /// </summary>
    public async Task<IDisposable?> ReserveAsync(long bytes, TimeSpan wait, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes, TotalBytes);
        var deadline = DateTime.UtcNow + wait;
        if (!await _turns.WaitAsync(wait, cancellationToken))
        {
            return null;
        }

        try
        {
            while (true)
            {
                lock (_gate)
                {
                    if (_available >= bytes)
                    {
                        _available -= bytes;
                        _peak = Math.Max(_peak, TotalBytes - _available);
                        Interlocked.Increment(ref _granted);
                        return new Lease(this, bytes);
                    }
                }

                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !await _memoryChanged.WaitAsync(left, cancellationToken))
                {
                    _turns.Release();
                    return null;
                }
            }
        }
        catch
        {
            _turns.Release();
            throw;
        }
    }

    public void Dispose()
    {
        _turns.Dispose();
        _memoryChanged.Dispose();
    }

    private void Return(long bytes)
    {
        lock (_gate)
        {
            _available += bytes;
        }

        // Wake whoever waits for memory (at most the turns in use, each rechecks).
        _memoryChanged.Release();
        _turns.Release();
    }

    private sealed class Lease(DecodeBudget budget, long bytes) : IDisposable
    {
        private int _returned;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _returned, 1) == 0)
            {
                budget.Return(bytes);
            }
        }
    }
}
