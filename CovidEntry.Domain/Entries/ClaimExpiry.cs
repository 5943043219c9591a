namespace CovidEntry.Domain.Entries;

/// <summary>
/// When a claim lapses: after <see cref="IdleLimit"/> without activity from its holder (the
/// claim itself, or a saved draft, whichever is later).
/// </summary>
public sealed record ClaimExpiry(TimeSpan IdleLimit, DateTime? HolderActiveAtUtc)
{
    public DateTime? LastActivity(DateTime? claimedAtUtc) =>
        new[] { claimedAtUtc, HolderActiveAtUtc }.Max();

    public bool IsIdle(DateTime? claimedAtUtc, DateTime nowUtc) =>
        LastActivity(claimedAtUtc) is not { } last || nowUtc - last >= IdleLimit;
}
