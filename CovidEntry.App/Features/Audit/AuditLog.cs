using CovidEntry.Domain.Audit;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace CovidEntry.App.Features.Audit;

/// <summary>
/// Appends events to the chain inside the caller's transaction. The advisory lock makes appends
/// one at a time across every app instance, so each event follows the newest one: the chain
/// never forks. The lock lasts until the transaction ends.
/// </summary>
public static class AuditLog
{
    /// <summary>The advisory lock key of the audit chain.</summary>
    public const long ChainLockKey = 0x417D17;

    public static async Task LockChainAsync(DbContext db, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({ChainLockKey})", cancellationToken);

    /// <summary>Chains and writes <paramref name="events"/>; the caller holds a transaction and the chain lock.</summary>
    public static async Task WriteAsync(DbContext db, IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }

        var head = await db.Database.SqlQuery<string>($"""SELECT "Hash" AS "Value" FROM "AuditEvents" ORDER BY "Id" DESC LIMIT 1""")
            .FirstOrDefaultAsync(cancellationToken) ?? AuditChain.Genesis;
        foreach (var e in events)
        {
            e.Chain(head);
            head = e.Hash;
        }

        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var writer = await connection.BeginBinaryImportAsync(
            """
            COPY "AuditEvents" ("OccurredAtUtc", "UserId", "UserName", "Action", "EntityType", "EntityKey", "Changes", "CorrelationId", "Reason", "BatchId", "Hash")
            FROM STDIN (FORMAT BINARY)
            """, cancellationToken);
        foreach (var e in events)
        {
            await writer.StartRowAsync(cancellationToken);
            await writer.WriteAsync(e.OccurredAtUtc, NpgsqlDbType.TimestampTz, cancellationToken);
            await WriteNullableAsync(writer, e.UserId, cancellationToken);
            await WriteNullableAsync(writer, e.UserName, cancellationToken);
            await writer.WriteAsync(e.Action.ToString(), NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(e.EntityType, NpgsqlDbType.Text, cancellationToken);
            await WriteNullableAsync(writer, e.EntityKey, cancellationToken);
            await writer.WriteAsync(System.Text.Json.JsonSerializer.Serialize(e.Changes), NpgsqlDbType.Jsonb, cancellationToken);
            await WriteNullableAsync(writer, e.CorrelationId, cancellationToken);
            await WriteNullableAsync(writer, e.Reason, cancellationToken);
            if (e.BatchId is { } batch)
            {
                await writer.WriteAsync(batch, NpgsqlDbType.Uuid, cancellationToken);
            }
            else
            {
                await writer.WriteNullAsync(cancellationToken);
            }

            await writer.WriteAsync(e.Hash, NpgsqlDbType.Text, cancellationToken);
        }

        await writer.CompleteAsync(cancellationToken);
    }

    /// <summary>
    /// Records something that is not a row change (a sign-in, a download, an import, a snapshot
    /// run, or a write made with raw SQL) in a transaction of its own, or in the caller's.
    /// </summary>
    public static Task RecordAsync(DbContext db, AuditAction action, string entityType, string? entityKey,
        IEnumerable<FieldChange>? details = null, CancellationToken cancellationToken = default, AuditActor? actor = null, Guid? batchId = null) =>
        RecordAsync(db, action, entityType, [entityKey], details, cancellationToken, actor, batchId);

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
        var own = db.Database.CurrentTransaction is null;
        await using var transaction = own ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        await LockChainAsync(db, cancellationToken);
        await WriteAsync(db, events, cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }
    }

    private static async Task WriteNullableAsync(NpgsqlBinaryImporter writer, string? value, CancellationToken cancellationToken)
    {
        if (value is null)
        {
            await writer.WriteNullAsync(cancellationToken);
        }
        else
        {
            await writer.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);
        }
    }
}
