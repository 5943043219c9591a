using CovidEntry.App.Data;
using CovidEntry.App.Features.Access;
using CovidEntry.App.Shared;
using CovidEntry.Domain;
using CovidEntry.Domain.Entries;
using CovidEntry.Domain.Screenshots;
using CovidEntry.Domain.Shifts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CovidEntry.App.Features.Entries;

/// <summary>How long a claim lasts without activity (configuration section <c>Claims</c>).</summary>
public sealed class ClaimSettings
{
    public int IdleMinutes { get; set; } = 30;

    public TimeSpan IdleLimit => TimeSpan.FromMinutes(IdleMinutes);

    /// <summary>
    /// How often an open work list asks again for claims made on other instances of the app
    /// (claims made on this instance reach it at once).
    /// </summary>
    public int ListRefreshSeconds { get; set; } = 20;
}

public enum WorkItemState
{
    /// <summary>Yours to enter.</summary>
    Assigned,

    /// <summary>Nobody holds it: claim it.</summary>
    Claimable,

    /// <summary>Someone held it but went idle: it can be claimed.</summary>
    Lapsed,

    /// <summary>Someone else is entering it.</summary>
    HeldByOther,

    /// <summary>You submitted it.</summary>
    Submitted,
}

public sealed record WorkItem(
    Guid EntryId,
    string ShiftLabel,
    DateOnly DataDate,
    string Code,
    string Name,
    int PassNumber,
    WorkItemState State,
    Freshness Freshness,
    string FreshnessText,
    string? HolderName,
    DateTime? ClaimedAtUtc,
    OtherPass? Other = null);

/// <summary>Who holds the entry's other pass, shown beside an open one so a claim is never a surprise.</summary>
public sealed record OtherPass(int Number, string HolderName, DateTime? ClaimedAtUtc, bool Submitted);

/// <summary>
/// The shift queue: every pass of the open shifts a person may work on, the most urgent
/// jurisdictions first, and the claims that make a pass one person's at a time.
/// </summary>
public sealed class QueueService(
    IDbContextFactory<CovidEntryDbContext> dbFactory,
    UserDirectory users,
    IOptions<ClaimSettings> settings,
    ActingPerson acting,
    QueueSignal signal,
    TimeProvider clock,
    ILogger<QueueService> logger)
{
    public async Task<IReadOnlyList<WorkItem>> ForAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await (from shift in db.Shifts
                          join entry in db.Entries on shift.BatchId equals entry.BatchId
                          join jurisdiction in db.Jurisdictions on entry.JurisdictionCode equals jurisdiction.Code
                          where shift.State == ShiftState.Open
                          select new
                          {
                              entry.Id,
                              shift.Label,
                              entry.DataDate,
                              entry.JurisdictionCode,
                              jurisdiction.Name,
                              jurisdiction.ExpectedUpdateUtc,
                              jurisdiction.SourceChangedAtUtc,
                              LastPublishedAtUtc = db.LatestValues.Where(v => v.JurisdictionCode == entry.JurisdictionCode).Max(v => (DateTime?)v.PublishedAtUtc),
                              Holder1 = entry.FirstPassUserId,
                              Holder2 = entry.SecondPassUserId,
                              entry.FirstPassClaimedAtUtc,
                              entry.SecondPassClaimedAtUtc,
                              Active1 = db.PassDrafts.Where(d => d.EntryId == entry.Id && d.PassNumber == 1 && d.UserId == entry.FirstPassUserId).Max(d => (DateTime?)d.SavedAtUtc),
                              Active2 = db.PassDrafts.Where(d => d.EntryId == entry.Id && d.PassNumber == 2 && d.UserId == entry.SecondPassUserId).Max(d => (DateTime?)d.SavedAtUtc),
                              Submitted1 = entry.Passes.Any(p => p.Number == 1),
                              Submitted2 = entry.Passes.Any(p => p.Number == 2),
                              DidAPass = entry.Passes.Any(p => p.UserId == userId),
                          }).ToListAsync(cancellationToken);

        var now = clock.GetUtcNow().UtcDateTime;
        var names = await users.NamesAsync(rows.SelectMany(r => new[] { r.Holder1, r.Holder2 }), cancellationToken);
        var unchanged = await UnchangedSinceAsync(db, rows.Select(r => r.JurisdictionCode).Distinct().ToList(), cancellationToken);
        var items = new List<WorkItem>();
        foreach (var row in rows)
        {
            var facts = new QueueFacts(row.DataDate, row.ExpectedUpdateUtc, row.SourceChangedAtUtc, row.LastPublishedAtUtc,
                unchanged.GetValueOrDefault(row.JurisdictionCode));
            var freshness = QueueOrder.Of(facts, now);
            var passes = new[]
            {
                (Number: 1, Holder: row.Holder1, ClaimedAt: row.FirstPassClaimedAtUtc, Active: row.Active1, Submitted: row.Submitted1),
                (Number: 2, Holder: row.Holder2, ClaimedAt: row.SecondPassClaimedAtUtc, Active: row.Active2, Submitted: row.Submitted2),
            };

            WorkItem Item((int Number, string? Holder, DateTime? ClaimedAt, DateTime? Active, bool Submitted) pass, WorkItemState state)
            {
                var other = passes.Single(p => p.Number != pass.Number);
                return new(row.Id, row.Label, row.DataDate, row.JurisdictionCode, row.Name, pass.Number, state, freshness,
                    QueueOrder.Describe(freshness, facts), pass.Holder is null ? null : names.GetValueOrDefault(pass.Holder, "?"), pass.ClaimedAt,
                    other.Holder is null ? null : new OtherPass(other.Number, names.GetValueOrDefault(other.Holder, "?"), other.ClaimedAt, other.Submitted));
            }

            if (passes.FirstOrDefault(p => p.Holder == userId) is { Holder: not null } mine)
            {
                items.Add(Item(mine, mine.Submitted ? WorkItemState.Submitted : WorkItemState.Assigned));
                continue;
            }

            if (row.DidAPass)
            {
                continue;
            }

            var open = passes.Where(p => !p.Submitted).ToList();
            if (open.FirstOrDefault(p => p.Holder is null) is { Number: > 0 } free)
            {
                items.Add(Item(free, WorkItemState.Claimable));
            }
            else if (open.FirstOrDefault(p => new ClaimExpiry(settings.Value.IdleLimit, p.Active).IsIdle(p.ClaimedAt, now)) is { Number: > 0 } lapsed)
            {
                items.Add(Item(lapsed, WorkItemState.Lapsed));
            }
            else if (open.FirstOrDefault() is { Number: > 0 } held)
            {
                items.Add(Item(held, WorkItemState.HeldByOther));
            }
        }

        return items
            .OrderBy(i => i.State switch
            {
                WorkItemState.Assigned => 0,
                WorkItemState.Claimable or WorkItemState.Lapsed => 1,
                WorkItemState.HeldByOther => 2,
                _ => 3,
            })
            .ThenBy(i => i.Freshness)
            .ThenByDescending(i => i.DataDate)
            .ThenBy(i => i.Code)
            .ToList();
    }

    public async Task ClaimAsync(Guid entryId, int passNumber, string userId, CancellationToken cancellationToken = default)
    {
        await acting.EnsureAsync(userId, Policies.EnterData, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (shift, entry) = await EntryService.LoadAsync(db, entryId, cancellationToken);
        shift.EnsureAcceptsPasses();
        var holder = entry.HolderOf(passNumber);
        if (entry.DidAnyPass(userId) && holder != userId)
        {
            // Held or entered the other pass: say so, rather than that the pass is taken.
            throw new DomainException(await EntryService.WhyNotYoursAsync(users, entry, passNumber, userId, cancellationToken) ?? "");
        }

        var holderActive = holder is null
            ? null
            : await db.PassDrafts.Where(d => d.EntryId == entryId && d.PassNumber == passNumber && d.UserId == holder).MaxAsync(d => (DateTime?)d.SavedAtUtc, cancellationToken);
        try
        {
            entry.Claim(passNumber, userId, clock.GetUtcNow().UtcDateTime, new ClaimExpiry(settings.Value.IdleLimit, holderActive));

            // Two people claiming at the same moment: the entry's row version lets exactly one through.
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is DomainException or DbUpdateConcurrencyException)
        {
            signal.Changed();
            throw new DomainException(await LostClaimAsync(entryId, passNumber, userId, cancellationToken));
        }

        logger.LogInformation("Pass {PassNumber} of entry {EntryId} claimed by {UserId} (previous holder {PreviousHolder})", passNumber, entryId, userId, holder);
        signal.Changed();
    }

    /// <summary>Who won the pass this person just tried to claim, read after the fact.</summary>
    private async Task<string> LostClaimAsync(Guid entryId, int passNumber, string userId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (_, entry) = await EntryService.LoadAsync(db, entryId, cancellationToken);
        var winner = entry.HolderOf(passNumber);
        if (winner is null || winner == userId)
        {
            return $"Pass {passNumber} of {entry.JurisdictionCode} changed while you claimed it, so nothing was saved. The list is up to date again: try once more.";
        }

        var name = (await users.NamesAsync([winner], cancellationToken)).GetValueOrDefault(winner, "Someone else");
        return $"{name} has pass {passNumber} of {entry.JurisdictionCode} now, so your claim was not saved. The list is up to date again: pick another pass.";
    }



    public async Task ReleaseAsync(Guid entryId, int passNumber, string userId, CancellationToken cancellationToken = default)
    {
        await acting.EnsureAsync(userId, Policies.EnterData, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (_, entry) = await EntryService.LoadAsync(db, entryId, cancellationToken);
        entry.Release(passNumber, userId);
        await db.SaveOrExplainAsync(cancellationToken);
        logger.LogInformation("Pass {PassNumber} of entry {EntryId} released by {UserId}", passNumber, entryId, userId);
        signal.Changed();
    }

    /// <summary>
    /// For each jurisdiction whose newest capture repeats the one before it, when that run of
    /// identical captures began ("source unchanged since HH:MM").
    /// </summary>
    private static async Task<Dictionary<string, DateTime?>> UnchangedSinceAsync(CovidEntryDbContext db, List<string> codes, CancellationToken cancellationToken)
    {
        var newest = await db.Screenshots
            .Where(s => codes.Contains(s.JurisdictionCode) && (s.Origin == ScreenshotOrigin.Scheduled || s.Origin == ScreenshotOrigin.OnDemand))
            .GroupBy(s => s.JurisdictionCode)
            .Select(g => g.OrderByDescending(s => s.TakenAtUtc).Select(s => new { s.JurisdictionCode, s.TakenAtUtc, s.FirstSeenAtUtc }).First())
            .ToListAsync(cancellationToken);
        return newest.Where(s => s.FirstSeenAtUtc < s.TakenAtUtc).ToDictionary(s => s.JurisdictionCode, s => (DateTime?)s.FirstSeenAtUtc);
    }
}
