using CovidEntry.App.Data;
using CovidEntry.App.Shared;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Admin;

public sealed class InviteForm
{
    public string Email { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public bool Volunteer { get; set; } = true;
    public bool ShiftLead { get; set; }
    public bool Admin { get; set; }
}

public sealed class InviteFormValidator : MudFluentValidator<InviteForm>
{
    public InviteFormValidator(IDbContextFactory<CovidEntryDbContext> dbFactory)
    {
        RuleFor(f => f.Email)
            .Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage("Enter the person's email address.")
            .MaximumLength(256).WithMessage("An email address can be at most 256 characters.")
            .EmailAddress().WithMessage("That is not an email address.")
            .MustAsync(async (email, cancellationToken) =>
            {
                await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
                var normalized = email.Trim().ToUpperInvariant();
                return !await db.Users.AnyAsync(u => u.NormalizedEmail == normalized, cancellationToken);
            }).WithMessage("Someone with this email address already has an account.");

        RuleFor(f => f.DisplayName)
            .NotEmpty().WithMessage("Enter the name others will see.")
            .MaximumLength(ApplicationUser.DisplayNameMaxLength).WithMessage($"A name can be at most {ApplicationUser.DisplayNameMaxLength} characters.");

        RuleFor(f => f.Admin)
            .Must((form, _) => form.Volunteer || form.ShiftLead || form.Admin)
            .WithMessage("Give the person at least one role.");
    }
}
