using CovidEntry.Domain;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Shared;

public static class SaveChanges
{
    /// <summary>
    /// Saves, turning a lost race with another person into a message they can act on:
    /// nothing of theirs was written, and a reload shows what the other person did.
    /// </summary>
    public static async Task SaveOrExplainAsync(this DbContext db, CancellationToken cancellationToken = default)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DomainException("Someone else changed this at the same moment, so your change was not saved. Reload to see the current state, then try again.");
        }
    }
}
