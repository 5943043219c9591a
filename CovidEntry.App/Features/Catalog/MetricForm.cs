using System.Globalization;
using CovidEntry.App.Data;
using CovidEntry.App.Shared;
using CovidEntry.Domain.Metrics;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Catalog;

/// <summary>A metric as the catalog page edits it; bounds kept as text until they read as numbers.</summary>
public sealed class MetricForm
{
    /// <summary>The metric being changed, or null for a new one (its key is then typed).</summary>
    public string? EditingKey { get; init; }

    /// <summary>True when the metric has values: its public names are then fixed too.</summary>
    public bool HasValues { get; init; }

    /// <summary>The public names of the metric being edited as they were loaded.</summary>
    public (string V1Column, string V2Path)? Originals { get; init; }

    public string Key { get; set; } = "";
    public string Label { get; set; } = "";
    public MetricGroup Group { get; set; } = MetricGroup.Cases;
    public MetricKind Kind { get; set; } = MetricKind.Cumulative;
    public string V1Column { get; set; } = "";
    public string V2Path { get; set; } = "";
    public string? MinValue { get; set; }
    public string? MaxValue { get; set; }

    /// <summary>The keys of the metrics this one is a part of.</summary>
    public IEnumerable<string> PartOf { get; set; } = [];

    public static MetricForm For(Metric metric, bool hasValues) => new()
    {
        EditingKey = metric.Key,
        HasValues = hasValues,
        Originals = (metric.V1Column, metric.V2Path),
        Key = metric.Key,
        Label = metric.Label,
        Group = metric.Group,
        Kind = metric.Kind,
        V1Column = metric.V1Column,
        V2Path = metric.V2Path,
        MinValue = metric.MinValue?.ToString(CultureInfo.InvariantCulture),
        MaxValue = metric.MaxValue?.ToString(CultureInfo.InvariantCulture),
        PartOf = metric.PartOf.ToList(),
    };

    public long? ParsedMin => MetricValueParser.Parse(MinValue).Value;
    public long? ParsedMax => MetricValueParser.Parse(MaxValue).Value;
}

/// <summary>
/// The catalog page's boundary: every name a metric writes into the public files is checked here
/// with the same rules the files use (<see cref="PublicNames"/>), so an admin cannot add a metric
/// that would break them. The service runs it again before it writes.
/// </summary>
public sealed class MetricFormValidator : MudFluentValidator<MetricForm>
{
    public MetricFormValidator(IDbContextFactory<CovidEntryDbContext> dbFactory)
    {
        // The other metrics, read once per validation however many rules look at them.
        async Task<List<Metric>> OthersAsync(ValidationContext<MetricForm> context, CancellationToken cancellationToken)
        {
            if (context.RootContextData.TryGetValue(nameof(OthersAsync), out var loaded))
            {
                return (List<Metric>)loaded;
            }

            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var editing = context.InstanceToValidate.EditingKey;
            var others = await db.Metrics.AsNoTracking().Where(m => m.Key != editing).OrderBy(m => m.DisplayOrder).ThenBy(m => m.Key).ToListAsync(cancellationToken);
            context.RootContextData[nameof(OthersAsync)] = others;
            return others;
        }

        RuleFor(f => f.Key)
            .Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage("Enter a key, such as positiveTestsPeopleViral.")
            .MaximumLength(Metric.KeyMaxLength).WithMessage($"A key can be at most {Metric.KeyMaxLength} characters.")
            .Must(PublicNames.IsIdentifier).WithMessage("A key is letters and digits only, starting with a letter.")
            .MustAsync(async (form, key, context, cancellationToken) => form.EditingKey is not null
                || !(await OthersAsync(context, cancellationToken)).Any(m => string.Equals(m.Key, key, StringComparison.OrdinalIgnoreCase)))
            .WithMessage("A metric with this key exists already (retired ones count too).")
            .Must((form, key) => form.EditingKey is null || key == form.EditingKey).WithMessage("A metric's key never changes: history is filed under it.");

        RuleFor(f => f.Label)
            .NotEmpty().WithMessage("Enter the label volunteers see beside the field.")
            .MaximumLength(Metric.LabelMaxLength).WithMessage($"A label can be at most {Metric.LabelMaxLength} characters.");

        RuleFor(f => f.V1Column)
            .Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage("Enter the column name of the v1 CSV and JSON files.")
            .MaximumLength(Metric.KeyMaxLength).WithMessage($"A column name can be at most {Metric.KeyMaxLength} characters.")
            .Must(PublicNames.IsIdentifier).WithMessage("A column name is letters and digits only, starting with a letter.")
            .Must(column => !PublicNames.ReservedV1Columns.Contains(column)).WithMessage("The v1 files already have a column of this name (a fixed or derived one); choose another.")
            .MustAsync(async (form, column, context, cancellationToken) =>
                !(await OthersAsync(context, cancellationToken)).Any(m => string.Equals(m.V1Column, column, StringComparison.OrdinalIgnoreCase)))
            .WithMessage("Another metric has this v1 column already (retired ones count too).")
            .Must((form, column) => !form.HasValues || form.Originals is not { } original || column == original.V1Column)
            .WithMessage("This metric has values already, so its v1 column stays as it is.");

        RuleFor(f => f.V2Path)
            .Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage("Enter the dotted path in the v2 JSON file, such as tests.pcr.people.positive.")
            .Must((form, path) => !form.HasValues || form.Originals is not { } original || path == original.V2Path)
            .WithMessage("This metric has values already, so its v2 path stays as it is.")
            .Must(PublicNames.IsV2Path).WithMessage($"A v2 path is lowercase words (letters, digits, _) joined by dots, such as tests.pcr.people.positive, at most {Metric.PathMaxLength} characters.")
            .CustomAsync(async (path, context, cancellationToken) =>
            {
                var form = context.InstanceToValidate;
                var others = await OthersAsync(context, cancellationToken);
                if (PublicNames.V2PathClash(form.EditingKey ?? form.Key, path, others.Select(m => (m.Key, m.V2Path))) is { } clash)
                {
                    context.AddFailure(clash + " Choose a path no other field uses, and not inside or above another field's.");
                }
            });

        RuleFor(f => f.MinValue)
            .Must(BeACountOrEmpty).WithMessage("Enter a whole number of at least 0, or leave it empty for no bound.");

        RuleFor(f => f.MaxValue)
            .Cascade(CascadeMode.Stop)
            .Must(BeACountOrEmpty).WithMessage("Enter a whole number of at least 0, or leave it empty for no bound.")
            .Must((form, _) => form.ParsedMin is not { } min || form.ParsedMax is not { } max || min <= max)
            .WithMessage("The highest allowed value must be at least the lowest.");

        RuleFor(f => f.PartOf)
            .Must((form, wholes) => !wholes.Contains(form.EditingKey ?? form.Key)).WithMessage("A metric cannot be a part of itself.")
            .MustAsync(async (form, wholes, context, cancellationToken) =>
            {
                var keys = (await OthersAsync(context, cancellationToken)).Select(m => m.Key).ToHashSet();
                return wholes.All(keys.Contains);
            }).WithMessage("Pick wholes from the catalog.");
    }

    private static bool BeACountOrEmpty(string? text) => MetricValueParser.Parse(text).IsValid;
}
