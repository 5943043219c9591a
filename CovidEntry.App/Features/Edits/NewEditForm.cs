using CovidEntry.App.Data;
using CovidEntry.App.Shared;
using CovidEntry.Domain.Batches;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Edits;

/// <summary>What a lead gives to open an edit (backfill) batch.</summary>
public sealed class NewEditForm
{
    public string? JurisdictionCode { get; set; }
    public DateTime? From { get; set; }
    public DateTime? To { get; set; }
    public string Note { get; set; } = "";
    public string? Link { get; set; }
}

public sealed class NewEditFormValidator : MudFluentValidator<NewEditForm>
{
    public NewEditFormValidator(IDbContextFactory<CovidEntryDbContext> dbFactory)
    {
        RuleFor(f => f.JurisdictionCode)
            .Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage("Pick the jurisdiction whose history you correct.")
            .MustAsync(async (code, cancellationToken) =>
            {
                await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
                return await db.Jurisdictions.AnyAsync(j => j.Code == code, cancellationToken);
            }).WithMessage("That is not a known jurisdiction.");

        RuleFor(f => f.From).NotNull().WithMessage("Pick the first date to correct.");

        RuleFor(f => f.To)
            .Cascade(CascadeMode.Stop)
            .NotNull().WithMessage("Pick the last date to correct.")
            .Must((form, to) => form.From is null || to >= form.From).WithMessage("The end date comes before the start date.")
            .Must((form, to) => form.From is null || (to!.Value - form.From.Value).TotalDays < Batch.MaxEditDays)
            .WithMessage($"An edit batch covers at most {Batch.MaxEditDays} days; split the correction into several batches.");

        RuleFor(f => f.Note)
            .NotEmpty().WithMessage("Say why history is being corrected (for example \"NY revised deaths after an audit\").")
            .MaximumLength(Batch.NoteMaxLength).WithMessage($"A note can be at most {Batch.NoteMaxLength:#,0} characters.");

        RuleFor(f => f.Link)
            .Must(link => string.IsNullOrWhiteSpace(link) || (Uri.TryCreate(link.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            .WithMessage("The link must be a web address starting with http:// or https://.")
            .MaximumLength(Batch.LinkMaxLength).WithMessage($"A link can be at most {Batch.LinkMaxLength:#,0} characters.");
    }
}
