namespace CovidEntry.Domain.Audit;

public enum AuditAction
{
    Insert,
    Update,
    Delete,
    SignIn,
    SignInFailed,
    LockedOut,
    SignOut,
    AccessDenied,
    Download,
    Import,
    SnapshotRun,
}

/// <summary>One field of a record as it was before and after a change (null: no value, or none yet).</summary>
public sealed record FieldChange(string Field, string? Before, string? After);

/// <summary>
/// Who did what, when, to which record, with the fields before and after. Events are appended,
/// never changed: the database refuses updates and deletes. Each event is then sealed onto the
/// chain by an <see cref="AuditLink"/> whose hash covers the link before it, so a changed or
/// removed event breaks the chain from there on.
/// </summary>
public sealed class AuditEvent
{
    public const int EntityTypeMaxLength = 128;
    public const int EntityKeyMaxLength = 200;
    public const int CorrelationMaxLength = 100;
    public const int ReasonMaxLength = 4000;
    public const int UserNameMaxLength = 256;

    private List<FieldChange> _changes = [];

    private AuditEvent()
    {
    }

    public AuditEvent(DateTime occurredAtUtc, string? userId, string? userName, AuditAction action, string entityType, string? entityKey,
        IEnumerable<FieldChange> changes, string? correlationId, string? reason, Guid? batchId)
    {
        // PostgreSQL keeps microseconds: the hash must cover the time as it will be read back.
        OccurredAtUtc = AuditChain.ToMicroseconds(occurredAtUtc);
        UserId = userId;
        UserName = Clip(userName, UserNameMaxLength);
        Action = action;
        EntityType = Clip(entityType, EntityTypeMaxLength)!;
        EntityKey = Clip(entityKey, EntityKeyMaxLength);
        _changes = changes.OrderBy(c => c.Field, StringComparer.Ordinal).ToList();
        CorrelationId = Clip(correlationId, CorrelationMaxLength);
        Reason = Clip(reason, ReasonMaxLength);
        BatchId = batchId;
    }

    public long Id { get; private set; }
    public DateTime OccurredAtUtc { get; private set; }
    public string? UserId { get; private set; }
    public string? UserName { get; private set; }
    public AuditAction Action { get; private set; }

    /// <summary>The table of the record (or the kind of thing, for sign-ins, downloads, imports and snapshots).</summary>
    public string EntityType { get; private set; } = "";

    public string? EntityKey { get; private set; }
    public IReadOnlyList<FieldChange> Changes => _changes;

    /// <summary>The request or Blazor circuit the change came from, so one action's events can be read together.</summary>
    public string? CorrelationId { get; private set; }

    public string? Reason { get; private set; }

    /// <summary>The batch (daily shift, edit or import) the record belongs to, for a lead's view of their shifts.</summary>
    public Guid? BatchId { get; private set; }

    /// <summary>
    /// The app's seal on the event, made as it was written (<see cref="AuditChain.SealOf"/>): an event
    /// without a valid seal did not come from the app.
    /// </summary>
    public string? Seal { get; private set; }

    public const int SealMaxLength = 96;

    /// <summary>Seals the event under the audit key; once, before it is stored.</summary>
    public void SealWith(string keyId, byte[] key)
    {
        if (Seal is not null)
        {
            throw new DomainException("An audit event is sealed once.");
        }

        Seal = AuditChain.SealOf(keyId, key, this);
    }

    private static string? Clip(string? text, int max) => text is { Length: > 0 } && text.Length > max ? text[..max] : text;
}
