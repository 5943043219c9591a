namespace CovidEntry.App.Features.Entries;

/// <summary>
/// Tells the open work lists of this app instance that a pass changed hands (claimed, released,
/// assigned, submitted), so everyone sees who holds what at once. Lists on other instances catch
/// up at their next periodic refresh.
/// </summary>
public sealed class QueueSignal
{
    public event Action? OnChanged;

    public void Changed() => OnChanged?.Invoke();
}
