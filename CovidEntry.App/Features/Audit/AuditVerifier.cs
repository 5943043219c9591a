using CovidEntry.App.Data;
using CovidEntry.Domain.Audit;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Audit;

/// <summary>
/// The outcome of walking the chain: how many events held, the head, events committed while it ran
/// (still waiting to be linked), and the first break if any.
/// </summary>
public sealed record AuditVerification(long Events, long? HeadId, string HeadHash, long Waiting, AuditBreak? Break);

/// <summary>
/// Links what is waiting, then walks the whole chain in order recomputing every hash (streamed: a
/// million events take little memory), and looks for events that are on no link and not queued.
/// </summary>
public sealed class AuditVerifier(IDbContextFactory<CovidEntryDbContext> dbFactory, AuditChainer chainer)
{
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        await chainer.CatchUpAsync(wait: true, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.Database.SetCommandTimeout(TimeSpan.Zero);
        var previous = AuditChain.Genesis;
        long count = 0;
        long? headId = null;
        var chain = from link in db.AuditChain
                    join e in db.AuditEvents on link.EventId equals e.Id
                    orderby link.Position
                    select new { Event = e, link.Hash };
        await foreach (var linked in chain.AsNoTracking().AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            var e = linked.Event;
            if (AuditChain.HashOf(previous, e) != linked.Hash)
            {
                return new AuditVerification(count, headId, previous, 0, new AuditBreak(e.Id, e.OccurredAtUtc, e.Action, e.EntityType, e.EntityKey));
            }

            previous = linked.Hash;
            headId = e.Id;
            count++;
        }

        // Committed since the catch-up above: waiting in the queue. On no link and not queued: taken off behind the app's back.
        var waiting = await db.Database.SqlQuery<long>($"""SELECT count(*) AS "Value" FROM "AuditPending" """).SingleAsync(cancellationToken);
        var orphan = await db.AuditEvents.FromSql($"""
                SELECT e.* FROM "AuditEvents" e
                WHERE NOT EXISTS (SELECT 1 FROM "AuditChain" l WHERE l."EventId" = e."Id")
                  AND NOT EXISTS (SELECT 1 FROM "AuditPending" p WHERE p."EventId" = e."Id")
                ORDER BY e."Id" LIMIT 1
                """).AsNoTracking().FirstOrDefaultAsync(cancellationToken);
        var unlinked = orphan is null ? null : new AuditBreak(orphan.Id, orphan.OccurredAtUtc, orphan.Action, orphan.EntityType, orphan.EntityKey, AuditBreakKind.Unlinked);
        return new AuditVerification(count, headId, previous, waiting, unlinked);
    }
}

/// <summary><c>./run.sh audit-verify</c>: exits 0 when the chain holds, 1 naming the first broken event.</summary>
public static class AuditVerifyCommand
{
    public const string Verb = "audit-verify";

    public static async Task<int> RunAsync(WebApplication app)
    {
        var result = await app.Services.GetRequiredService<AuditVerifier>().VerifyAsync();
        if (result.Break is { } broken)
        {
            Console.Error.WriteLine(broken.Describe());
            Console.Error.WriteLine($"{result.Events:#,0} events before it hold.");
            return 1;
        }

        var waiting = result.Waiting == 0 ? "" : $" {result.Waiting:#,0} more were committed while it ran and wait to be linked.";
        Console.WriteLine($"Audit chain intact: {result.Events:#,0} events, head {result.HeadId?.ToString() ?? "(none)"} {result.HeadHash}.{waiting}");
        return 0;
    }
}
