using CovidEntry.App.Data;
using CovidEntry.App.Features.Access;
using CovidEntry.Domain;
using CovidEntry.Domain.Entries;
using CovidEntry.Domain.Shifts;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CovidEntry.App.Features.Entries;

/// <summary>A draft as saved: the revision the next save must start from, and when it was saved.</summary>
public sealed record DraftSaved(int Revision, DateTime SavedAtUtc);

/// <summary>Saves what a volunteer types into a pass as they type it, for their eyes only.</summary>
public sealed class DraftService(IDbContextFactory<CovidEntryDbContext> dbFactory, ActingPerson acting, TimeProvider clock, ILogger<DraftService> logger)
{
    public const string Overtaken =
        "Not saved: this pass was changed in another window or on another device after you opened it. Choose below which to keep.";

    /// <summary>
    /// Saves the draft if it is still at <paramref name="fromRevision"/> (0: no draft yet); a draft
    /// saved meanwhile from another window is never overwritten.
    /// </summary>
    public async Task<DraftSaved> SaveAsync(Guid entryId, int passNumber, string userId, DraftContent content, int fromRevision,
        CancellationToken cancellationToken = default)
    {
        await acting.EnsureAsync(userId, Policies.EnterData, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);

        // One round trip for both questions: may this person still write here, and what is saved so far.
        var draft = await EnsureWritableAsync(db, entryId, passNumber, userId, cancellationToken);
        if (draft is null)
        {
            if (fromRevision != 0)
            {
                throw new DomainException(Overtaken);
            }

            draft = new PassDraft(entryId, passNumber, userId);
            db.PassDrafts.Add(draft);
        }
        else if (draft.Revision != fromRevision)
        {
            throw new DomainException(Overtaken);
        }

        draft.Record(content, clock.GetUtcNow().UtcDateTime);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DomainException(Overtaken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Two windows made the first save at the same moment; the other one won.
            throw new DomainException(Overtaken);
        }

        logger.LogDebug("Draft of pass {PassNumber} of entry {EntryId} saved by {UserId} at revision {Revision}", passNumber, entryId, userId, draft.Revision);
        return new DraftSaved(draft.Revision, draft.SavedAtUtc);
    }

    public async Task<PassDraft?> FindAsync(Guid entryId, int passNumber, string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.PassDrafts.AsNoTracking()
            .SingleOrDefaultAsync(d => d.EntryId == entryId && d.PassNumber == passNumber && d.UserId == userId, cancellationToken);
    }

    /// <summary>Refuses a save the person may no longer make; returns their draft (tracked) if there is one.</summary>
    private static async Task<PassDraft?> EnsureWritableAsync(CovidEntryDbContext db, Guid entryId, int passNumber, string userId, CancellationToken cancellationToken)
    {
        var state = await (from entry in db.Entries
                           join shift in db.Shifts on entry.BatchId equals shift.BatchId
                           where entry.Id == entryId
                           select new
                           {
                               entry.JurisdictionCode,
                               Holder = passNumber == 1 ? entry.FirstPassUserId : entry.SecondPassUserId,
                               Submitted = entry.Passes.Any(p => p.Number == passNumber),
                               shift.State,
                               Draft = db.PassDrafts.FirstOrDefault(d => d.EntryId == entryId && d.PassNumber == passNumber && d.UserId == userId),
                           }).AsTracking().SingleOrDefaultAsync(cancellationToken)
            ?? throw new DomainException("That entry does not exist.");

        if (state.Holder != userId)
        {
            throw new DomainException($"Not saved: pass {passNumber} of {state.JurisdictionCode} is no longer yours (a lead may have taken it over). Copy anything you need and go back to your work list.");
        }

        if (state.Submitted)
        {
            throw new DomainException($"Not saved: pass {passNumber} of {state.JurisdictionCode} was already submitted, perhaps from another window.");
        }

        if (state.State != ShiftState.Open)
        {
            throw new DomainException($"Not saved: the shift of {state.JurisdictionCode} no longer accepts passes.");
        }

        return state.Draft;
    }
}
