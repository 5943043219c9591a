namespace CovidEntry.Domain.Audit;

/// <summary>What <c>audit-verify</c> can find wrong, each a different kind of tampering.</summary>
public enum AuditFindingKind
{
    /// <summary>A link's hash does not follow from the link before it and its event: the event or the chain was changed.</summary>
    LinkBroken,

    /// <summary>An event has no valid seal of the app's: it was written or changed behind the app's back.</summary>
    NotSealedByTheApp,

    /// <summary>A link or seal names a key the app does not have.</summary>
    UnknownKey,

    /// <summary>An event is on no link and not waiting for one.</summary>
    Unlinked,

    /// <summary>An event's time or id is out of the chain's order (back-dated).</summary>
    OutOfOrder,

    /// <summary>A head anchored outside the database is not in the chain: the chain was cut short or re-linked.</summary>
    AnchorMissing,

    /// <summary>A batch's stored list of what it wrote does not match the digest its sealed event recorded.</summary>
    ManifestChanged,

    /// <summary>A published version differs from what its batch wrote.</summary>
    VersionChanged,

    /// <summary>A published version is there that no batch wrote.</summary>
    VersionAdded,

    /// <summary>A version a batch wrote is gone.</summary>
    VersionRemoved,

    /// <summary>The latest table differs from the newest version of a cell.</summary>
    LatestDiffers,

    /// <summary>The days recorded as reported differ from the ones a batch recorded in its sealed digest.</summary>
    ReportedDayDiffers,

    /// <summary>A published snapshot's files, manifest or checksum list no longer match its signature.</summary>
    SnapshotChanged,
}

/// <summary>One thing <c>audit-verify</c> found wrong, in a sentence that names the event, batch or cell.</summary>
public sealed record AuditFinding(AuditFindingKind Kind, string Sentence, long? EventId = null, Guid? BatchId = null);
