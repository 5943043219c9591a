using CovidEntry.App.Data;
using CovidEntry.App.Features.Access;
using CovidEntry.App.Features.Audit;
using CovidEntry.App.Shared;
using CovidEntry.Domain;
using CovidEntry.Domain.Quality;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Quality;

public sealed record MutedWarningRow(Guid Id, string JurisdictionCode, string? MetricKey, QcRule Rule, DateOnly UntilDate, string Reason, string CreatedBy, DateTime CreatedAtUtc);

/// <summary>The one shared list of muted warnings, kept by leads.</summary>
public sealed class MutedWarningService(
    IDbContextFactory<CovidEntryDbContext> dbFactory,
    MutedWarningFormValidator validator,
    UserDirectory users,
    ActingPerson acting,
    TimeProvider clock,
    ILogger<MutedWarningService> logger)
{
    /// <summary>MutedWarnings still in force on or after <paramref name="fromDate"/>, newest first.</summary>
    public async Task<IReadOnlyList<MutedWarningRow>> ListAsync(DateOnly fromDate, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.MutedWarnings.AsNoTracking().Where(s => s.UntilDate >= fromDate)
            .OrderBy(s => s.JurisdictionCode).ThenBy(s => s.UntilDate).ToListAsync(cancellationToken);
        var names = await users.NamesAsync(rows.Select(r => r.CreatedByUserId), cancellationToken);
        return rows.Select(s => new MutedWarningRow(s.Id, s.JurisdictionCode, s.MetricKey, s.Rule, s.UntilDate, s.Reason,
            names.GetValueOrDefault(s.CreatedByUserId, "?"), s.CreatedAtUtc)).ToList();
    }

    public async Task<Guid> AddAsync(MutedWarningForm form, string leadUserId, CancellationToken cancellationToken = default)
    {
        await acting.EnsureAsync(leadUserId, Policies.RunShifts, cancellationToken);
        var validation = await validator.ValidateAsync(form, cancellationToken);
        if (!validation.IsValid)
        {
            throw new DomainException(string.Join(" ", validation.Errors.Select(e => e.ErrorMessage).Distinct()));
        }

        var mute = new MutedWarning(form.JurisdictionCode!, form.MetricKey, form.Rule!.Value, DateOnly.FromDateTime(form.UntilDate!.Value),
            form.Reason, leadUserId, clock.GetUtcNow().UtcDateTime);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.MutedWarnings.Add(mute);
        using (AuditContext.WithReason(form.Reason))
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        logger.LogInformation("MutedWarning {MutedWarningId} of {Rule} for {Jurisdiction} {Metric} until {UntilDate} added by {UserId}",
            mute.Id, mute.Rule, mute.JurisdictionCode, mute.MetricKey ?? "(all)", mute.UntilDate, leadUserId);
        return mute.Id;
    }

    public async Task RemoveAsync(Guid id, string leadUserId, CancellationToken cancellationToken = default)
    {
        await acting.EnsureAsync(leadUserId, Policies.RunShifts, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var mute = await db.MutedWarnings.SingleOrDefaultAsync(s => s.Id == id, cancellationToken)
            ?? throw new DomainException("That muted warning was already removed.");
        db.MutedWarnings.Remove(mute);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("MutedWarning {MutedWarningId} removed by {UserId}", id, leadUserId);
    }
}
