using CovidEntry.Domain.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace CovidEntry.App.Features.Audit;

/// <summary>
/// Audit events for rows a feature writes with set-based SQL of its own, past the change tracker
/// (a publish's versions and latest values), shaped as <see cref="AuditInterceptor"/> shapes a
/// tracked change: the table, the key, every field of an insert, the changed fields of an update,
/// the row's batch, and the ambient actor and reason.
/// </summary>
public sealed class AuditRows(DbContext db, DateTime occurredAtUtc)
{
    private readonly List<AuditEvent> _events = [];

    public IReadOnlyList<AuditEvent> Events => _events;

    /// <summary>The row's field values now, to give <see cref="Updated"/> as the row was before a change.</summary>
    public IReadOnlyList<object?> Values(object row) => [.. TypeOf(row).GetProperties().Select(p => p.GetGetter().GetClrValue(row))];

    public void Inserted(object row)
    {
        var type = TypeOf(row);
        var table = type.GetTableName()!;
        Add(AuditAction.Insert, type, row, type.GetProperties()
            .Select(p => new FieldChange(p.Name, null, AuditInterceptor.Format(table, p.Name, p.GetGetter().GetClrValue(row)))));
    }

    /// <summary>Records the fields whose value differs from <paramref name="before"/> (from <see cref="Values"/>); nothing when none does.</summary>
    public void Updated(object row, IReadOnlyList<object?> before)
    {
        var type = TypeOf(row);
        var table = type.GetTableName()!;
        var changes = type.GetProperties()
            .Select((p, i) => (Property: p, Before: before[i], After: p.GetGetter().GetClrValue(row)))
            .Where(f => !Equals(f.Before, f.After))
            .Select(f => new FieldChange(f.Property.Name, AuditInterceptor.Format(table, f.Property.Name, f.Before),
                AuditInterceptor.Format(table, f.Property.Name, f.After)))
            .ToList();
        if (changes.Count > 0)
        {
            Add(AuditAction.Update, type, row, changes);
        }
    }

    private void Add(AuditAction action, IEntityType type, object row, IEnumerable<FieldChange> changes)
    {
        var actor = AuditContext.Actor;
        var key = AuditInterceptor.KeyText(type, p => p.GetGetter().GetClrValue(row));
        var batchId = type.FindProperty("BatchId")?.GetGetter().GetClrValue(row) as Guid?;
        _events.Add(new AuditEvent(occurredAtUtc, actor?.UserId, actor?.UserName, action, type.GetTableName()!, key, changes,
            actor?.CorrelationId, AuditContext.Reason, batchId));
    }

    private IEntityType TypeOf(object row) =>
        db.Model.FindEntityType(row.GetType()) ?? throw new InvalidOperationException($"{row.GetType().Name} is not stored by this context.");
}
