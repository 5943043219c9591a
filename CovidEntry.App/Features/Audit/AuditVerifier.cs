using CovidEntry.App.Data;
using CovidEntry.Domain.Audit;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Audit;

/// <summary>The outcome of walking the chain: how many events held, the head, and the first break if any.</summary>
public sealed record AuditVerification(long Events, long? HeadId, string HeadHash, AuditBreak? Break);

/// <summary>Walks the whole audit chain in order, recomputing every hash (streamed: a million events take little memory).</summary>
public sealed class AuditVerifier(IDbContextFactory<CovidEntryDbContext> dbFactory)
{
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.Database.SetCommandTimeout(TimeSpan.Zero);
        var previous = AuditChain.Genesis;
        long count = 0;
        long? headId = null;
        await foreach (var e in db.AuditEvents.AsNoTracking().OrderBy(e => e.Id).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (AuditChain.HashOf(previous, e) != e.Hash)
            {
                return new AuditVerification(count, headId, previous, new AuditBreak(e.Id, e.OccurredAtUtc, e.Action, e.EntityType, e.EntityKey));
            }

            previous = e.Hash;
            headId = e.Id;
            count++;
        }

        return new AuditVerification(count, headId, previous, null);
    }

    /// <summary>The newest event's id and hash: what a snapshot publishes as its anchor outside the database.</summary>
    public static async Task<(long? Id, string Hash)> HeadAsync(CovidEntryDbContext db, CancellationToken cancellationToken)
    {
        var head = await db.AuditEvents.AsNoTracking().OrderByDescending(e => e.Id).Select(e => new { e.Id, e.Hash }).FirstOrDefaultAsync(cancellationToken);
        return head is null ? (null, AuditChain.Genesis) : (head.Id, head.Hash);
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

        Console.WriteLine($"Audit chain intact: {result.Events:#,0} events, head {result.HeadId?.ToString() ?? "(none)"} {result.HeadHash}.");
        return 0;
    }
}
