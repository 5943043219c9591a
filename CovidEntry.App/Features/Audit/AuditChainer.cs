using CovidEntry.App.Data;
using CovidEntry.App.Shared;
using CovidEntry.Domain.Audit;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace CovidEntry.App.Features.Audit;

/// <summary>
/// Seals committed audit events onto the hash chain. A trigger queues every new event in
/// <c>AuditPending</c> inside its writer's transaction, so an event is queued exactly when it
/// commits; the chainer links queued events after the chain's head, in one transaction with
/// taking them off the queue. One app instance links at a time (a PostgreSQL advisory lock), so
/// the chain never forks, and no writer ever waits for the chain.
/// </summary>
public sealed class AuditChainer(IDbContextFactory<CovidEntryDbContext> dbFactory, AuditKeys keys, AuditHeadLog heads, ILogger<AuditChainer> logger)
{
    /// <summary>The channel the queue trigger notifies when events are committed.</summary>
    public const string Channel = "audit_events";

    private const int BatchSize = 5_000;

    /// <summary>
    /// Links every committed event that is waiting; returns how many it linked. With
    /// <paramref name="wait"/> false it gives way (returns 0) when another instance is linking.
    /// </summary>
    public async Task<long> CatchUpAsync(bool wait, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        if (wait)
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({AdvisoryLocks.AuditLink})", cancellationToken);
        }
        else if (!await db.Database.SqlQuery<bool>($"""SELECT pg_try_advisory_lock({AdvisoryLocks.AuditLink}) AS "Value" """).SingleAsync(cancellationToken))
        {
            return 0;
        }

        try
        {
            long linked = 0;
            int batch;
            do
            {
                batch = await LinkBatchAsync(db, cancellationToken);
                linked += batch;
            }
            while (batch == BatchSize);

            return linked;
        }
        finally
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({AdvisoryLocks.AuditLink})", CancellationToken.None);
        }
    }

    /// <summary>The newest link once everything committed is linked: what a snapshot publishes as its anchor outside the database.</summary>
    public async Task<(long? EventId, string Hash)> HeadAsync(CancellationToken cancellationToken = default)
    {
        await CatchUpAsync(wait: true, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var head = await db.AuditChain.AsNoTracking().OrderByDescending(l => l.Position).Select(l => new { l.EventId, l.Hash }).FirstOrDefaultAsync(cancellationToken);
        return head is null ? (null, AuditChain.Genesis) : (head.EventId, head.Hash);
    }

    private async Task<int> LinkBatchAsync(CovidEntryDbContext db, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var queued = await db.Database.SqlQuery<long>(
            $"""SELECT "EventId" AS "Value" FROM "AuditPending" ORDER BY "EventId" LIMIT {BatchSize}""").ToListAsync(cancellationToken);
        if (queued.Count == 0)
        {
            return 0;
        }

        var events = await db.AuditEvents.AsNoTracking().Where(e => queued.Contains(e.Id)).OrderBy(e => e.Id).ToListAsync(cancellationToken);
        var head = await db.AuditChain.AsNoTracking().OrderByDescending(l => l.Position).Select(l => l.Hash).FirstOrDefaultAsync(cancellationToken)
            ?? AuditChain.Genesis;
        foreach (var forged in events.Where(e => !keys.IsSealed(e)))
        {
            // It is linked all the same (the chain records that it was there); audit-verify names it.
            logger.LogError("Audit event {EventId} ({Action} {EntityType} {EntityKey}) carries no seal of the app's: it was written or changed behind the app's back",
                forged.Id, forged.Action, forged.EntityType, forged.EntityKey);
        }

        var links = AuditLink.After(head, events, keys.CurrentId, keys.CurrentKey);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using (var writer = await connection.BeginBinaryImportAsync("""COPY "AuditChain" ("EventId", "Hash", "KeyId") FROM STDIN (FORMAT BINARY)""", cancellationToken))
        {
            foreach (var link in links)
            {
                await writer.StartRowAsync(cancellationToken);
                await writer.WriteAsync(link.EventId, NpgsqlDbType.Bigint, cancellationToken);
                await writer.WriteAsync(link.Hash, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(link.KeyId, NpgsqlDbType.Text, cancellationToken);
            }

            await writer.CompleteAsync(cancellationToken);
        }

        var position = await db.AuditChain.AsNoTracking().MaxAsync(l => l.Position, cancellationToken);

        // Every id taken, linked or not: an event removed behind the app's back before it was linked leaves nothing to link.
        var taken = queued.ToArray();
        await db.Database.ExecuteSqlAsync($"""DELETE FROM "AuditPending" WHERE "EventId" = ANY({taken})""", cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        // Only a committed head is anchored: the log must never name a link the chain does not hold.
        if (links.Count > 0)
        {
            heads.Append(new AuditHead(DateTime.UtcNow, position, links[^1].EventId, links[^1].Hash, links[^1].KeyId, heads.Path));
        }

        return queued.Count;
    }
}

/// <summary>
/// Links events as soon as they are committed, on any instance: it listens for the queue trigger's
/// notifications (sent only when a writer commits), and looks anyway every few seconds in case one
/// was missed (the database restarted, say).
/// </summary>
public sealed class AuditChainerService(AuditChainer chainer, IDbContextFactory<CovidEntryDbContext> dbFactory, ILogger<AuditChainerService> logger)
    : BackgroundService
{
    private static readonly TimeSpan LookAnyway = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string connectionString;
        await using (var db = await dbFactory.CreateDbContextAsync(stoppingToken))
        {
            connectionString = db.Database.GetConnectionString()!;
        }

        var retry = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var listener = new NpgsqlConnection(connectionString);
                await listener.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {AuditChainer.Channel}", listener))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                retry = TimeSpan.FromSeconds(1);
                while (!stoppingToken.IsCancellationRequested)
                {
                    await chainer.CatchUpAsync(wait: false, stoppingToken);
                    if (await listener.WaitAsync(LookAnyway, stoppingToken))
                    {
                        // The commits of a busy moment arrive together: link them in one round.
                        await Task.Delay(Gather, stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The events stay queued; linking resumes when the database answers again.
                logger.LogWarning(ex, "Linking audit events failed; trying again in {RetrySeconds} s", retry.TotalSeconds);
                try
                {
                    await Task.Delay(retry, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LongestRetry.Ticks));
            }
        }
    }
}
