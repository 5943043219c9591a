using CovidEntry.App.Data;
using CovidEntry.App.Shared;
using CovidEntry.Domain.Quality;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Quality;

public sealed class MutedWarningForm
{
    public string? JurisdictionCode { get; set; }

    /// <summary>Empty mutes the rule for every field.</summary>
    public string? MetricKey { get; set; }

    public QcRule? Rule { get; set; }
    public DateTime? UntilDate { get; set; }
    public string Reason { get; set; } = "";
}

public sealed class MutedWarningFormValidator : MudFluentValidator<MutedWarningForm>
{
    public MutedWarningFormValidator(IDbContextFactory<CovidEntryDbContext> dbFactory)
    {
        RuleFor(f => f.JurisdictionCode)
            .Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage("Pick the jurisdiction whose warning is muted.")
            .MustAsync(async (code, cancellationToken) =>
            {
                await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
                return await db.Jurisdictions.AnyAsync(j => j.Code == code, cancellationToken);
            }).WithMessage("That is not a jurisdiction we collect.");

        RuleFor(f => f.MetricKey)
            .MustAsync(async (key, cancellationToken) =>
            {
                if (string.IsNullOrEmpty(key))
                {
                    return true;
                }

                await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
                return await db.Metrics.AnyAsync(m => m.Key == key, cancellationToken);
            }).WithMessage("That metric is not in the catalog.");

        RuleFor(f => f.Rule).NotNull().WithMessage("Pick the check to mute.");
        RuleFor(f => f.UntilDate).NotNull().WithMessage("Pick the last data date to mute (it ends by itself after that).");
        RuleFor(f => f.Reason)
            .NotEmpty().WithMessage("Say why this warning is muted, for the next lead who wonders.")
            .MaximumLength(MutedWarning.ReasonMaxLength).WithMessage($"A reason can be at most {MutedWarning.ReasonMaxLength:#,0} characters.");
    }
}
