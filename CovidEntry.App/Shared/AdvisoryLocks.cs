namespace CovidEntry.App.Shared;

/// <summary>
/// Every PostgreSQL advisory-lock key the app takes, in one place, so no two uses share a key by
/// accident. The fixed keys are small numbers; the sign-in throttle's keys are hashes with their
/// own top byte (0x53), apart from every fixed key.
/// </summary>
public static class AdvisoryLocks
{
    /// <summary>Publishes, edit batches and imports write versions and the latest table one at a time, across instances.</summary>
    public const long Publish = 0x0C0_71D_E417;

    /// <summary>One instance at a time makes a snapshot (held on a connection of its own for the whole making).</summary>
    public const long Snapshot = 0x5_4A95_4070;

    /// <summary>One instance at a time materializes the public files.</summary>
    public const long PublicFileBuild = 0x5_0B11_CF11;

    /// <summary>One instance at a time links audit events onto the chain, so it never forks.</summary>
    public const long AuditLink = 0x417D17;

    /// <summary>One instance at a time raises the staleness alert for a day.</summary>
    public const long StalenessAlert = 0x57A1E;

    private const long SignInThrottleSpace = 0x53L << 56;

    /// <summary>The fixed keys, for the test that they are distinct and outside the throttle's space.</summary>
    public static IReadOnlyList<long> Fixed { get; } = [Publish, Snapshot, PublicFileBuild, AuditLink, StalenessAlert];

    /// <summary>The sign-in throttle's key for an address or an account: a hash in a space of its own (the top byte).</summary>
    public static long SignInThrottle(string text)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("covidentry:sign-in-lock:" + text));
        return (long)(BitConverter.ToUInt64(hash, 0) >> 8) | SignInThrottleSpace;
    }
}
