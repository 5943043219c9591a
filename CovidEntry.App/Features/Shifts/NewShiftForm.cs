using CovidEntry.App.Data;
using CovidEntry.App.Shared;
using CovidEntry.Domain.Batches;
using CovidEntry.Domain.Shifts;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Shifts;

public sealed class NewShiftForm
{
    public string Label { get; set; } = "";
    public DateTime? DataDate { get; set; }
    public IReadOnlyCollection<string> Jurisdictions { get; set; } = [];
}

public sealed class NewShiftFormValidator : MudFluentValidator<NewShiftForm>
{
    public NewShiftFormValidator(IDbContextFactory<CovidEntryDbContext> dbFactory, TimeProvider clock)
    {
        RuleFor(f => f.Label)
            .NotEmpty().WithMessage("Give the shift a name, for example \"2026-11-23 evening\".")
            .MaximumLength(Shift.LabelMaxLength).WithMessage($"A shift name can be at most {Shift.LabelMaxLength} characters.");

        RuleFor(f => f.DataDate)
            .Cascade(CascadeMode.Stop)
            .NotNull().WithMessage("Pick the data date the shift collects.")
            .Must(date => DateOnly.FromDateTime(date!.Value) <= DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(1))
            .WithMessage("The data date cannot be in the future.");

        RuleFor(f => f.Jurisdictions)
            .Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage("Pick at least one jurisdiction.")
            .MustAsync(async (form, codes, context, cancellationToken) =>
            {
                if (form.DataDate is null)
                {
                    return true;
                }

                var date = DateOnly.FromDateTime(form.DataDate.Value);
                await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
                var taken = await db.Batches
                    .Where(b => b.Kind == BatchKind.Daily && b.Status == BatchStatus.Open)
                    .SelectMany(b => b.Entries)
                    .Where(e => e.DataDate == date && codes.Contains(e.JurisdictionCode))
                    .Select(e => e.JurisdictionCode)
                    .Distinct()
                    .OrderBy(c => c)
                    .ToListAsync(cancellationToken);
                context.MessageFormatter.AppendArgument("Taken", string.Join(", ", taken));
                return taken.Count == 0;
            })
            .WithMessage("Already in an unpublished shift for this date: {Taken}. Leave them out or finish that shift first.");
    }
}
