using CovidEntry.Domain;
using CovidEntry.Domain.Entries;

namespace CovidEntry.App.Features.Entries;

/// <summary>Where the draft of the open pass stands, for the line under the form.</summary>
public enum DraftState
{
    Unchanged,
    Pending,
    Saved,
    Failed,
}

/// <summary>
/// Saves the pass being typed a moment after the last change (debounced), one save at a time,
/// each starting from the revision the previous one left. Lives as long as the page.
/// </summary>
public sealed class DraftAutosave(DraftService drafts, Guid entryId, int passNumber, string userId, int revision, ILogger logger) : IAsyncDisposable
{
    /// <summary>Quiet time after the last keystroke before saving: well inside the one second a draft may lag.</summary>
    public static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(300);

    private readonly SemaphoreSlim _one = new(1, 1);
    private CancellationTokenSource? _waiting;
    private DraftContent? _content;

    public int Revision { get; private set; } = revision;
    public DraftState State { get; private set; } = DraftState.Unchanged;
    public DateTime? SavedAtUtc { get; private set; }
    public string? Error { get; private set; }

    /// <summary>True when the last save was refused because another window saved first.</summary>
    public bool Overtaken { get; private set; }

    /// <summary>Raised when <see cref="State"/> changes (not on every keystroke), on whatever thread changed it.</summary>
    public event Action? StateChanged;

    /// <summary>Raised after each save, with its revision and exactly what it saved: the browser's kept copy of that goes.</summary>
    public event Action<int, DraftContent>? Saved;

    /// <summary>Schedules a save of <paramref name="content"/> (taken at the change) when the typing pauses.</summary>
    public void Changed(DraftContent content)
    {
        if (Overtaken)
        {
            return;
        }

        _content = content;
        SetState(DraftState.Pending);
        _waiting?.Cancel();
        _waiting = new CancellationTokenSource();
        _ = SaveAfterPauseAsync(_waiting.Token);
    }

    /// <summary>Saves now whatever is pending (before a submit, or when the page closes).</summary>
    public async Task FlushAsync()
    {
        if (State != DraftState.Pending)
        {
            return;
        }

        _waiting?.Cancel();
        await SaveAsync();
    }

    public async ValueTask DisposeAsync()
    {
        // The circuit is closing (tab closed, connection gone for good): what was typed in the
        // last moment is still on the server, so it is saved rather than lost.
        StateChanged = null;
        Saved = null;
        await FlushAsync();
        _waiting?.Dispose();
    }

    private void SetState(DraftState state, bool always = false)
    {
        var changed = State != state;
        State = state;
        if (changed || always)
        {
            StateChanged?.Invoke();
        }
    }

    private async Task SaveAfterPauseAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Delay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        await SaveAsync();
    }

    private async Task SaveAsync()
    {
        await _one.WaitAsync();
        try
        {
            if (State != DraftState.Pending || _content is null)
            {
                return;
            }

            var content = _content;
            var saved = await drafts.SaveAsync(entryId, passNumber, userId, content, Revision);
            Revision = saved.Revision;
            SavedAtUtc = saved.SavedAtUtc;
            Error = null;

            // A change made while this save was on its way is still pending (its own save is scheduled):
            // the line must not say "saved" over it.
            if (ReferenceEquals(_content, content))
            {
                SetState(DraftState.Saved, always: true);
            }

            Saved?.Invoke(saved.Revision, content);
        }
        catch (DomainException ex)
        {
            Overtaken = ex.Message == DraftService.Overtaken;
            Error = ex.Message;
            SetState(DraftState.Failed, always: true);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Saving the draft of pass {PassNumber} of entry {EntryId} for {UserId} failed", passNumber, entryId, userId);
            Error = "The draft could not be saved because of an error on our side; keep this page open and it will try again with your next change.";
            SetState(DraftState.Failed, always: true);
        }
        finally
        {
            _one.Release();
        }
    }
}
