using CovidEntry.App.Data;
using CovidEntry.Domain;
using CovidEntry.Domain.History;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Publish;

public sealed record PublishResult(int VersionsWritten, int CellsUnchanged);

/// <summary>
/// Publishes a shift's batch in one transaction: the versions, the latest table and the batch
/// and shift states are written together or not at all.
/// </summary>
public sealed class PublishService(IDbContextFactory<CovidEntryDbContext> dbFactory, TimeProvider clock, ILogger<PublishService> logger)
{
    /// <summary>Serializes publishes across app instances, so the batch check and the latest table are never raced.</summary>
    public const long PublishLockKey = 0x0C0_71D_E417;

    public async Task<PublishResult> PublishShiftAsync(Guid shiftId, string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({PublishLockKey})", cancellationToken);

        // Read after taking the lock: a publish that waited sees the batch as the winner left it.
        var shift = await db.Shifts.SingleOrDefaultAsync(s => s.Id == shiftId, cancellationToken)
            ?? throw new DomainException("That shift does not exist.");
        var batch = await db.Batches
            .Include(b => b.Entries).ThenInclude(e => e.Passes)
            .SingleAsync(b => b.Id == shift.BatchId, cancellationToken);
        if (batch.WhyCannotPublish(userId) is { } reason)
        {
            throw new DomainException(reason);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var values = batch.Entries
            .SelectMany(e => e.PublishableValues().Select(v => KeyValuePair.Create(new CellKey(e.JurisdictionCode, e.DataDate, v.Key), v.Value)))
            .ToList();
        var codes = batch.Entries.Select(e => e.JurisdictionCode).Distinct().ToList();
        var dates = batch.Entries.Select(e => e.DataDate).Distinct().ToList();
        var latest = (await db.LatestValues
                .Where(l => codes.Contains(l.JurisdictionCode) && dates.Contains(l.DataDate))
                .ToListAsync(cancellationToken))
            .ToDictionary(l => l.Cell);

        var versions = PublishPlanner.Plan(values, latest, batch.Id, userId, now);
        db.ValueVersions.AddRange(versions);
        foreach (var version in versions)
        {
            if (latest.TryGetValue(version.Cell, out var current))
            {
                current.Apply(version);
            }
            else
            {
                db.LatestValues.Add(new LatestValue(version));
            }
        }

        batch.MarkPublished(userId, now);
        shift.MarkPublished();
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        logger.LogInformation("Batch {BatchId} of shift {ShiftId} published by {UserId}: {Versions} versions, {Unchanged} cells unchanged",
            batch.Id, shiftId, userId, versions.Count, values.Count - versions.Count);
        return new PublishResult(versions.Count, values.Count - versions.Count);
    }
}

public static class PublishExtensions
{
    public static void AddPublish(this WebApplicationBuilder builder) => builder.Services.AddScoped<PublishService>();
}
