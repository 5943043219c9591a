using System.Collections;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using CovidEntry.Domain.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace CovidEntry.App.Features.Audit;

/// <summary>
/// Writes an audit event for every insert, update and delete saved through the DbContext, in the
/// same transaction as the change (one it opens itself when the caller has none). Identity's
/// tables are included: role grants, lockouts and password changes are row changes like any other.
/// Secrets (password hashes, security stamps, authenticator keys) are recorded as changed, never
/// with their values.
/// </summary>
public sealed class AuditInterceptor(TimeProvider clock) : SaveChangesInterceptor
{
    private static readonly HashSet<string> Secrets = new(StringComparer.Ordinal)
    {
        "PasswordHash", "SecurityStamp", "ConcurrencyStamp", "Xml",
    };

    /// <summary>Fields secret in one table only (checked for every field of every event: no string is made for it).</summary>
    private static readonly HashSet<(string Field, string Table)> SecretsOfTable = [("Value", "AspNetUserTokens")];

    private readonly ConditionalWeakTable<DbContext, Pending> _pending = [];

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } db)
        {
            await BeginAsync(db, cancellationToken);
        }

        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } db)
        {
            await CompleteAsync(db, cancellationToken);
        }

        return result;
    }

    public override async Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } db && _pending.TryGetValue(db, out var pending))
        {
            _pending.Remove(db);
            if (pending.OwnTransaction is { } transaction)
            {
                await transaction.RollbackAsync(cancellationToken);
                await transaction.DisposeAsync();
            }
        }
    }

    // The blocking overloads stay blocking all the way (no waiting on async work): a caller that
    // saves synchronously on a thread of its own never waits for a thread-pool thread.
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is { } db && Capture(db) is { } changes)
        {
            var own = db.Database.CurrentTransaction is null ? db.Database.BeginTransaction() : null;
            _pending.AddOrUpdate(db, new Pending(changes, own, AuditContext.Actor, AuditContext.Reason));
        }

        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context is { } db && _pending.TryGetValue(db, out var pending))
        {
            _pending.Remove(db);
            using var transaction = pending.OwnTransaction;
            AuditLog.Write(db, Events(pending));
            transaction?.Commit();
        }

        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        if (eventData.Context is { } db && _pending.TryGetValue(db, out var pending))
        {
            _pending.Remove(db);
            using var transaction = pending.OwnTransaction;
            transaction?.Rollback();
        }
    }

    /// <summary>Notes what is about to change (before the values are gone), in a transaction that will hold the events too.</summary>
    private async Task BeginAsync(DbContext db, CancellationToken cancellationToken)
    {
        if (Capture(db) is { } changes)
        {
            var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
            _pending.AddOrUpdate(db, new Pending(changes, own, AuditContext.Actor, AuditContext.Reason));
        }
    }

    private async Task CompleteAsync(DbContext db, CancellationToken cancellationToken)
    {
        if (!_pending.TryGetValue(db, out var pending))
        {
            return;
        }

        _pending.Remove(db);
        await using var transaction = pending.OwnTransaction;
        await AuditLog.WriteAsync(db, Events(pending), cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }
    }

    /// <summary>The changes about to be saved, or null when there are none.</summary>
    private static List<CapturedChange>? Capture(DbContext db)
    {
        db.ChangeTracker.DetectChanges();
        var changes = db.ChangeTracker.Entries()
            .Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted && e.Entity is not AuditEvent)
            .Select(Capture)
            .OfType<CapturedChange>()
            .ToList();
        return changes.Count == 0 ? null : changes;
    }

    private List<AuditEvent> Events(Pending pending)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return pending.Changes.Select(c => new AuditEvent(now, pending.Actor?.UserId, pending.Actor?.UserName, c.Action, c.Table,
                c.Key(), c.Fields(), pending.Actor?.CorrelationId, pending.Reason, c.BatchId()))
            .ToList();
    }

    private static CapturedChange? Capture(EntityEntry entry)
    {
        var table = entry.Metadata.GetTableName() ?? entry.Metadata.DisplayName();
        var action = entry.State switch
        {
            EntityState.Added => AuditAction.Insert,
            EntityState.Modified => AuditAction.Update,
            _ => AuditAction.Delete,
        };

        // Before values must be read now: after the save they are gone.
        var fields = entry.Properties
            .Where(p => action != AuditAction.Update || p.IsModified)
            .Select(p => (Property: p, Before: action == AuditAction.Insert ? null : Format(table, p.Metadata.Name, p.OriginalValue)))
            .ToList();
        if (action == AuditAction.Update && fields.Count == 0)
        {
            return null;
        }

        var keyNow = action == AuditAction.Insert ? null : KeyOf(entry);
        return new CapturedChange(action, table,
            () => keyNow ?? KeyOf(entry),
            () => fields.Select(f => new FieldChange(f.Property.Metadata.Name, f.Before,
                action == AuditAction.Delete ? null : Format(table, f.Property.Metadata.Name, f.Property.CurrentValue))).ToList(),
            () => BatchOf(entry));
    }

    private static string KeyOf(EntityEntry entry) =>
        KeyText(entry.Metadata, p => entry.Property(p.Name).CurrentValue ?? entry.Property(p.Name).OriginalValue);

    /// <summary>A record's key as events name it: its primary key's values, joined with "|".</summary>
    internal static string KeyText(IEntityType type, Func<IProperty, object?> valueOf) =>
        string.Join("|", type.FindPrimaryKey()!.Properties.Select(p => Format("", p.Name, valueOf(p))));

    /// <summary>The batch a record belongs to, when it says (entries, passes, shifts, versions, drafts).</summary>
    private static Guid? BatchOf(EntityEntry entry)
    {
        if (entry.Metadata.FindProperty("BatchId") is { } batch)
        {
            return entry.Property(batch.Name).CurrentValue as Guid?;
        }

        if (entry.Entity is Domain.Batches.Batch b)
        {
            return b.Id;
        }

        var entryId = entry.Metadata.FindProperty("EntryId") is { } property ? entry.Property(property.Name).CurrentValue as Guid? : null;
        if (entryId is null && entry.Metadata.IsOwned())
        {
            var owner = entry.Metadata.FindOwnership()!.PrincipalEntityType;
            var ownerEntry = entry.Context.ChangeTracker.Entries().FirstOrDefault(e => e.Metadata == owner
                && entry.Metadata.FindOwnership()!.Properties.Select(p => entry.Property(p.Name).CurrentValue)
                    .SequenceEqual(owner.FindPrimaryKey()!.Properties.Select(p => e.Property(p.Name).CurrentValue)));
            return ownerEntry is null ? null : BatchOf(ownerEntry);
        }

        return entryId is { } id
            ? entry.Context.ChangeTracker.Entries<Domain.Entries.Entry>().FirstOrDefault(e => e.Entity.Id == id)?.Entity.BatchId
            : null;
    }

    internal static string? Format(string table, string field, object? value)
    {
        if (value is null)
        {
            return null;
        }

        if (Secrets.Contains(field) || SecretsOfTable.Contains((field, table)))
        {
            return "(secret)";
        }

        var text = value switch
        {
            string s => s,
            DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
            DateTimeOffset d => d.ToString("O", CultureInfo.InvariantCulture),
            // Large contents (snapshot files) carry their own SHA-256 column, which is audited with them.
            byte[] bytes => $"({bytes.Length:#,0} bytes)",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            IEnumerable or not ValueType => JsonSerializer.Serialize(value),
            _ => value.ToString(),
        };

        // PostgreSQL's jsonb cannot hold a NUL; the replacement character keeps the rest readable.
        return text?.Replace('\0', '\uFFFD');
    }

    private sealed record CapturedChange(AuditAction Action, string Table, Func<string> Key, Func<IReadOnlyList<FieldChange>> Fields, Func<Guid?> BatchId);

    private sealed record Pending(IReadOnlyList<CapturedChange> Changes, IDbContextTransaction? OwnTransaction, AuditActor? Actor, string? Reason);
}
