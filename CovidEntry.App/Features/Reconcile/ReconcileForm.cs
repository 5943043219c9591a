using CovidEntry.App.Shared;
using CovidEntry.Domain.Entries;
using CovidEntry.Domain.Metrics;
using FluentValidation;

namespace CovidEntry.App.Features.Reconcile;

/// <summary>A lead's decision on one mismatched field.</summary>
public sealed class ReconcileForm
{
    public ResolutionSource Choice { get; set; } = ResolutionSource.FirstPass;
    public string? TypedValue { get; set; }
    public string Reason { get; set; } = "";
}

public sealed class ReconcileFormValidator : MudFluentValidator<ReconcileForm>
{
    public ReconcileFormValidator()
    {
        RuleFor(f => f.Reason)
            .NotEmpty().WithMessage("Say why this value is right (for example \"pass 2 read the cumulative figure\").")
            .MaximumLength(ResolvedValue.ReasonMaxLength).WithMessage($"A reason can be at most {ResolvedValue.ReasonMaxLength:#,0} characters.");

        RuleFor(f => f.TypedValue)
            .Custom((text, context) =>
            {
                if (context.InstanceToValidate.Choice != ResolutionSource.Typed)
                {
                    return;
                }

                if (string.IsNullOrWhiteSpace(text))
                {
                    context.AddFailure("Type the value, or pick pass 1 or pass 2.");
                }
                else if (MetricValueParser.Parse(text).Error is { } error)
                {
                    context.AddFailure(error);
                }
            });
    }
}

public static class ReconcileExtensions
{
    public static void AddReconcile(this Microsoft.AspNetCore.Builder.WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<ReconcileService>();
        builder.Services.AddSingleton<ReconcileFormValidator>();
    }
}
