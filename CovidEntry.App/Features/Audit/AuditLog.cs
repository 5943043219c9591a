using CovidEntry.Domain.Audit;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace CovidEntry.App.Features.Audit;

/// <summary>
/// Appends events inside the caller's transaction, so they commit or vanish with what they
/// describe. Writers never wait for one another here: a trigger queues each new event, and the
/// <see cref="AuditChainer"/> seals committed events onto the hash chain moments later.
/// </summary>
public static class AuditLog
{
    private const string Copy = """
        COPY "AuditEvents" ("OccurredAtUtc", "UserId", "UserName", "Action", "EntityType", "EntityKey", "Changes", "CorrelationId", "Reason", "BatchId", "Seal")
        FROM STDIN (FORMAT BINARY)
        """;

    /// <summary>Writes <paramref name="events"/> in the caller's transaction (binary COPY: one round trip for many).</summary>
    public static async Task WriteAsync(DbContext db, IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }

        SealAll(db, events);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var writer = await connection.BeginBinaryImportAsync(Copy, cancellationToken);
        foreach (var e in events)
        {
            await writer.StartRowAsync(cancellationToken);
            foreach (var (value, type) in Columns(e))
            {
                await (value is null ? writer.WriteNullAsync(cancellationToken) : writer.WriteAsync(value, type, cancellationToken));
            }
        }

        await writer.CompleteAsync(cancellationToken);
    }

    /// <summary>The same with blocking I/O, for a caller on a thread of its own (see <see cref="Publish.PublishService"/>).</summary>
    public static void Write(DbContext db, IReadOnlyList<AuditEvent> events)
    {
        if (events.Count == 0)
        {
            return;
        }

        SealAll(db, events);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        using var writer = connection.BeginBinaryImport(Copy);
        foreach (var e in events)
        {
            writer.StartRow();
            foreach (var (value, type) in Columns(e))
            {
                if (value is null)
                {
                    writer.WriteNull();
                }
                else
                {
                    writer.Write(value, type);
                }
            }
        }

        writer.Complete();
    }

    /// <summary>Every event the app writes carries its seal, so one written behind its back is told apart.</summary>
    private static void SealAll(DbContext db, IReadOnlyList<AuditEvent> events)
    {
        var keys = AuditKeys.Of(db);
        foreach (var e in events.Where(e => e.Seal is null))
        {
            keys.Seal(e);
        }
    }

    /// <summary>An event's values in the order of <see cref="Copy"/>'s columns.</summary>
    private static (object? Value, NpgsqlDbType Type)[] Columns(AuditEvent e) =>
    [
        (e.OccurredAtUtc, NpgsqlDbType.TimestampTz),
        (e.UserId, NpgsqlDbType.Text),
        (e.UserName, NpgsqlDbType.Text),
        (e.Action.ToString(), NpgsqlDbType.Text),
        (e.EntityType, NpgsqlDbType.Text),
        (e.EntityKey, NpgsqlDbType.Text),
        (System.Text.Json.JsonSerializer.Serialize(e.Changes), NpgsqlDbType.Jsonb),
        (e.CorrelationId, NpgsqlDbType.Text),
        (e.Reason, NpgsqlDbType.Text),
        (e.BatchId, NpgsqlDbType.Uuid),
        (e.Seal, NpgsqlDbType.Text),
    ];

    /// <summary>
    /// Records something that is not a row change (a sign-in, a download, an import, a snapshot
    /// run, or a write made with raw SQL) in a transaction of its own, or in the caller's.
    /// </summary>
    public static Task RecordAsync(DbContext db, AuditAction action, string entityType, string? entityKey,
        IEnumerable<FieldChange>? details = null, CancellationToken cancellationToken = default, AuditActor? actor = null, Guid? batchId = null) =>
        RecordAsync(db, action, entityType, [entityKey], details, cancellationToken, actor, batchId);

    /// <summary>
    /// Records rows of <typeparamref name="TEntity"/>'s table written with raw SQL (which passes the
    /// interceptor by), in the caller's transaction: the table's name comes from the EF model, as
    /// the interceptor's events have it, so no write types it by hand.
    /// </summary>
    public static Task RecordRowsAsync<TEntity>(DbContext db, AuditAction action, IReadOnlyList<string?> keys,
        IEnumerable<FieldChange>? details, CancellationToken cancellationToken, Guid? batchId = null)
        where TEntity : class =>
        RecordAsync(db, action, TableOf<TEntity>(db), keys, details, cancellationToken, batchId: batchId);

    /// <summary>The table <typeparamref name="TEntity"/> is stored in, as the audit trail names it.</summary>
    public static string TableOf<TEntity>(DbContext db)
        where TEntity : class =>
        db.Model.FindEntityType(typeof(TEntity))?.GetTableName()
        ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not a table of this database.");

    /// <summary>The same for several records at once (a lease of many rows): one append for all.</summary>
    public static async Task RecordAsync(DbContext db, AuditAction action, string entityType, IReadOnlyList<string?> entityKeys,
        IEnumerable<FieldChange>? details = null, CancellationToken cancellationToken = default, AuditActor? actor = null, Guid? batchId = null)
    {
        if (entityKeys.Count == 0)
        {
            return;
        }

        actor ??= AuditContext.Actor;
        var changes = details?.ToList() ?? [];
        var now = DateTime.UtcNow;
        var events = entityKeys.Select(key => new AuditEvent(now, actor?.UserId, actor?.UserName, action, entityType, key, changes,
            actor?.CorrelationId, AuditContext.Reason, batchId)).ToList();
        // One COPY is one statement: atomic on its own, or part of the caller's transaction.
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }

        try
        {
            await WriteAsync(db, events, cancellationToken);
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }
}
