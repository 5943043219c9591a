using CovidEntry.App.Data;
using CovidEntry.App.Features.Access;
using CovidEntry.Domain.Audit;
using CovidEntry.Domain.People;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Audit;

/// <summary>What the audit page filters by; every part is optional.</summary>
public sealed class AuditFilter
{
    public string? UserId { get; set; }
    public string? EntityType { get; set; }
    public string? EntityKey { get; set; }
    public AuditAction? Action { get; set; }
    public DateTime? FromUtc { get; set; }
    public DateTime? UntilUtc { get; set; }

    /// <summary>What happened, as one of <see cref="AuditWords.Happenings"/> (entry, reconciliation, publish, sign-in…).</summary>
    public string? Happened { get; set; }

    /// <summary>Events about one jurisdiction: its entries, passes, reconciliations, published values, sources, screenshots.</summary>
    public string? JurisdictionCode { get; set; }
}

public sealed record AuditRow(long Id, DateTime OccurredAtUtc, string? UserName, AuditAction Action, string EntityType, string? EntityKey,
    IReadOnlyList<FieldChange> Changes, string? CorrelationId, string? Reason, Guid? BatchId, string? UserId = null, string? Hash = null);

/// <summary>
/// Reads the audit trail for the audit page and its CSV export: newest first, a page at a time by
/// keyset (events older than the last one shown), so a page costs the same at a million events.
/// Admins see everything; leads see only the events of the batches of shifts they lead. Which of
/// the two someone is, is read from the database at each query, not from the page they opened.
/// </summary>
public sealed class AuditQueries(IDbContextFactory<CovidEntryDbContext> dbFactory, ActingPerson acting)
{
    public const int PageSize = 50;

    public async Task<IReadOnlyList<AuditRow>> PageAsync(AuditFilter filter, string viewerUserId, long? olderThanId, int pageSize = PageSize, CancellationToken cancellationToken = default)
    {
        var leadUserId = await LeadScopeAsync(viewerUserId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = Filtered(db, filter, leadUserId);
        if (olderThanId is { } before)
        {
            query = query.Where(e => e.Id < before);
        }

        var events = await WithLinks(db, query.OrderByDescending(e => e.Id).Take(pageSize)).ToListAsync(cancellationToken);
        return events.Select(e => Row(e.Event, e.Hash)).ToList();
    }

    /// <summary>Every event the filter matches, oldest first, streamed (for the CSV export).</summary>
    public async IAsyncEnumerable<AuditRow> AllAsync(AuditFilter filter, string viewerUserId,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var leadUserId = await LeadScopeAsync(viewerUserId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await foreach (var e in WithLinks(db, Filtered(db, filter, leadUserId).OrderBy(e => e.Id)).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            yield return Row(e.Event, e.Hash);
        }
    }

    /// <summary>The kinds of record the trail can name: every table, plus sign-ins, downloads, imports and snapshot runs.</summary>
    public async Task<IReadOnlyList<string>> EntityTypesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return db.Model.GetEntityTypes().Select(t => t.GetTableName()).OfType<string>()
            .Concat(AuditKinds.All)
            .Where(t => t is not "AuditEvents" and not "AuditChain")
            .Distinct().Order(StringComparer.Ordinal).ToList();
    }

    public async Task<IReadOnlyList<(string Code, string Name)>> JurisdictionsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return (await db.Jurisdictions.OrderBy(j => j.Code).Select(j => new { j.Code, j.Name }).ToListAsync(cancellationToken))
            .Select(j => (j.Code, j.Name)).ToList();
    }

    public async Task<IReadOnlyList<(string Id, string Name)>> PeopleAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return (await db.Users.OrderBy(u => u.DisplayName).Select(u => new { u.Id, u.DisplayName, u.Email }).ToListAsync(cancellationToken))
            .Select(u => (u.Id, $"{u.DisplayName} ({u.Email})")).ToList();
    }

    /// <summary>Refuses anyone who is neither lead nor admin now; null for an admin (everything), else the lead's own id.</summary>
    public async Task<string?> LeadScopeAsync(string viewerUserId, CancellationToken cancellationToken = default)
    {
        var roles = await acting.EnsureAsync(viewerUserId, Policies.RunShifts, cancellationToken);
        return roles.Contains(Roles.Admin) ? null : viewerUserId;
    }

    private static IQueryable<AuditEvent> Filtered(CovidEntryDbContext db, AuditFilter filter, string? leadUserId)
    {
        var query = string.IsNullOrWhiteSpace(filter.JurisdictionCode)
            ? db.AuditEvents.AsQueryable()
            : AboutJurisdiction(db, filter.JurisdictionCode.Trim().ToUpperInvariant());
        if (leadUserId is not null)
        {
            var batches = db.Shifts.Where(s => s.LeadUserId == leadUserId).Select(s => (Guid?)s.BatchId);
            query = query.Where(e => batches.Contains(e.BatchId));
        }

        if (!string.IsNullOrWhiteSpace(filter.UserId))
        {
            query = query.Where(e => e.UserId == filter.UserId);
        }

        if (!string.IsNullOrWhiteSpace(filter.EntityType))
        {
            query = query.Where(e => e.EntityType == filter.EntityType);
        }

        if (!string.IsNullOrWhiteSpace(filter.EntityKey))
        {
            var key = filter.EntityKey.Trim();
            query = query.Where(e => e.EntityKey == key);
        }

        if (AuditWords.Happening(filter.Happened) is { } happening)
        {
            var kinds = happening.EntityTypes.ToList();
            query = query.Where(e => kinds.Contains(e.EntityType));
            if (happening.WithReasonOnly)
            {
                query = query.Where(e => e.Reason != null);
            }
        }

        if (filter.Action is { } action)
        {
            query = query.Where(e => e.Action == action);
        }

        if (filter.FromUtc is { } from)
        {
            query = query.Where(e => e.OccurredAtUtc >= from);
        }

        if (filter.UntilUtc is { } until)
        {
            query = query.Where(e => e.OccurredAtUtc < until);
        }

        return query;
    }

    /// <summary>
    /// Events about one jurisdiction: records keyed by it or carrying its code, and the records of its
    /// entries (keyed by the entry, or by one of its passes, first in the key).
    /// </summary>
    private static IQueryable<AuditEvent> AboutJurisdiction(CovidEntryDbContext db, string code) =>
        db.AuditEvents.FromSql($"""
            SELECT * FROM "AuditEvents" e
            WHERE split_part(e."EntityKey", '|', 1) = {code}
               OR e."Changes" @> jsonb_build_array(jsonb_build_object('Field', 'JurisdictionCode', 'After', {code}))
               OR e."Changes" @> jsonb_build_array(jsonb_build_object('Field', 'JurisdictionCode', 'Before', {code}))
               OR split_part(e."EntityKey", '|', 1) IN (SELECT en."Id"::text FROM "Entries" en WHERE en."JurisdictionCode" = {code})
               OR split_part(e."EntityKey", '|', 1) IN (SELECT p."Id"::text FROM "Passes" p JOIN "Entries" en ON en."Id" = p."EntryId" WHERE en."JurisdictionCode" = {code})
               OR EXISTS (SELECT 1 FROM jsonb_array_elements(e."Changes") c JOIN "Entries" en ON en."Id"::text = c->>'After'
                          WHERE c->>'Field' = 'EntryId' AND en."JurisdictionCode" = {code})
            """);

    private sealed record Linked(AuditEvent Event, string? Hash);

    /// <summary>Each event with the hash of its link (none yet for an event committed a moment ago).</summary>
    private static IQueryable<Linked> WithLinks(CovidEntryDbContext db, IQueryable<AuditEvent> events) =>
        events.AsNoTracking().Select(e => new Linked(e, db.AuditChain.Where(l => l.EventId == e.Id).Select(l => l.Hash).FirstOrDefault()));

    private static AuditRow Row(AuditEvent e, string? hash) =>
        new(e.Id, e.OccurredAtUtc, e.UserName, e.Action, e.EntityType, e.EntityKey, e.Changes, e.CorrelationId, e.Reason, e.BatchId, e.UserId, hash);
}

/// <summary>The "entity types" of events that are not row changes.</summary>
public static class AuditKinds
{
    public const string Account = "Account";
    public const string Page = "Page";
    public const string Download = "Download";
    public const string ImportFile = "ImportFile";
    public const string SnapshotRun = "SnapshotRun";

    public static readonly IReadOnlyList<string> All = [Account, Page, Download, ImportFile, SnapshotRun];
}
