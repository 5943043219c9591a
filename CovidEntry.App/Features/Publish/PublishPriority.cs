namespace CovidEntry.App.Features.Publish;

/// <summary>
/// While a lead publishes on this instance, the public downloads give way (docs/decisions/038): each
/// download waits before it hands its next part to the connection until the publish has committed,
/// so the publish has the processor, and the database behind it, to itself instead of sharing two
/// cores with fifty downloaders. A publish is a fraction of a second a few times a day; a download
/// waits for one at most <see cref="LongestPause"/> from the moment the publish began, however long
/// the publish then takes, and never waits for another instance's publish.
/// </summary>
public sealed class PublishPriority(TimeProvider clock)
{
    /// <summary>The longest a publish holds the downloads back; after that they go on beside it.</summary>
    public static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(2);

    private readonly Lock _lock = new();
    private int _publishes;
    private Held? _held;
    private int _waiting;

    /// <summary>Whether a publish runs now (its downloads' pause may be over).</summary>
    public bool Publishing => Volatile.Read(ref _held) is not null;

    /// <summary>How many downloads are waiting for a publish now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Holds the downloads back until the returned value is disposed (or for <see cref="LongestPause"/>).</summary>
    public IDisposable Publish()
    {
        lock (_lock)
        {
            if (_publishes++ == 0)
            {
                Volatile.Write(ref _held, new Held(clock.GetTimestamp(), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)));
            }
        }

        return new Release(this);
    }

    /// <summary>Completes at once when no publish runs; otherwise when it has committed, or its pause is over.</summary>
    public ValueTask GiveWayAsync(CancellationToken cancellationToken)
    {
        var held = Volatile.Read(ref _held);
        return held is null || Expired(held) ? ValueTask.CompletedTask : new ValueTask(WaitAsync(held, cancellationToken));
    }

    private async Task WaitAsync(Held held, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            var left = LongestPause - clock.GetElapsedTime(held.Since);
            if (left > TimeSpan.Zero)
            {
                await held.Done.Task.WaitAsync(left, clock, cancellationToken);
            }
        }
        catch (TimeoutException)
        {
            // The publish runs long (a large edit, or a wait for the database): the downloads go on beside it.
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    private bool Expired(Held held) => clock.GetElapsedTime(held.Since) >= LongestPause;

    private void End()
    {
        Held? ended;
        lock (_lock)
        {
            if (--_publishes > 0)
            {
                return;
            }

            ended = _held;
            Volatile.Write(ref _held, null);
        }

        ended?.Done.TrySetResult();
    }

    private sealed record Held(long Since, TaskCompletionSource Done);

    private sealed class Release(PublishPriority priority) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                priority.End();
            }
        }
    }
}
