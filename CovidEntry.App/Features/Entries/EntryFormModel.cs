using System.Globalization;
using CovidEntry.App.Shared;
using CovidEntry.Domain.Entries;
using CovidEntry.Domain.Metrics;
using CovidEntry.Domain.Quality;
using CovidEntry.Domain.Screenshots;
using FluentValidation;

namespace CovidEntry.App.Features.Entries;

/// <summary>What a volunteer types for one metric, kept as text until it is valid.</summary>
public sealed class MetricInput
{
    public required string Key { get; init; }
    public required string Label { get; init; }
    public required MetricGroup Group { get; init; }
    public long? MinValue { get; init; }
    public long? MaxValue { get; init; }
    public string? Text { get; set; }
}

/// <summary>A volunteer's answer to a warning as the form holds it (a reason may not be picked yet).</summary>
public sealed class WarningAnswerInput
{
    public WarningReason? Reason { get; set; }
    public string? Note { get; set; }
}

public sealed class EntryFormModel
{
    /// <summary>Answers to warnings, by warning key; kept when a warning goes away and comes back.</summary>
    public Dictionary<string, WarningAnswerInput> Answers { get; init; } = [];

    public List<MetricInput> Values { get; init; } = [];

    /// <summary>The screenshot (and marked region) each value was read from, by metric key.</summary>
    public Dictionary<string, ValueEvidence> Evidence { get; init; } = [];

    /// <summary>The source's "last updated" time as typed (an HTML datetime-local value, read as UTC).</summary>
    public string? SourceUpdatedAt { get; set; }

    public string? PublicNote { get; set; }
    public string? PrivateNote { get; set; }

    public static EntryFormModel For(IEnumerable<MetricField> metrics) => new()
    {
        Values = metrics.Select(m => new MetricInput { Key = m.Key, Label = m.Label, Group = m.Group, MinValue = m.MinValue, MaxValue = m.MaxValue }).ToList(),
    };

    /// <summary>Everything typed so far, as typed, for the draft.</summary>
    public DraftContent ToDraft(string? focusedField) => new(
        Values.Where(v => !string.IsNullOrEmpty(v.Text)).ToDictionary(v => v.Key, v => v.Text!),
        SourceUpdatedAt,
        PublicNote,
        PrivateNote,
        focusedField,
        GivenAnswers(),
        CitedEvidence());

    /// <summary>The evidence of the fields that have a value (a cleared field cites nothing).</summary>
    public IReadOnlyDictionary<string, ValueEvidence> CitedEvidence() =>
        Evidence.Where(e => Values.Any(v => v.Key == e.Key && !string.IsNullOrWhiteSpace(v.Text))).ToDictionary(e => e.Key, e => e.Value);

    /// <summary>
    /// A field was typed while <paramref name="shown"/> was on screen: that is what it was read from,
    /// unless the volunteer already marked a region on that same screenshot.
    /// </summary>
    public bool Cite(string metricKey, Guid? shown)
    {
        if (shown is not { } id || Values.All(v => v.Key != metricKey) || Evidence.GetValueOrDefault(metricKey)?.ScreenshotId == id)
        {
            return false;
        }

        Evidence[metricKey] = new ValueEvidence(id);
        return true;
    }

    /// <summary>
    /// The form a pass page starts from: the person's submitted values when the pass is submitted,
    /// else their saved draft, else empty.
    /// </summary>
    public static EntryFormModel ForPass(PassForm pass)
    {
        var model = For(pass.Metrics);
        if (pass.Submitted is { } own)
        {
            foreach (var input in model.Values)
            {
                input.Text = MetricValueParser.Format(own.Values.GetValueOrDefault(input.Key));
            }

            model.SourceUpdatedAt = own.SourceUpdatedAtUtc?.ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture);
            model.PublicNote = own.PublicNote;
            model.PrivateNote = own.PrivateNote;
        }
        else if (pass.Draft is { } draft)
        {
            model.Resume(draft.Content);
        }

        return model;
    }

    /// <summary>
    /// Values are read from the screenshot on screen when they are typed: the field being typed
    /// (<paramref name="focused"/>) cites it, and so does any filled field that cites nothing yet (a pasted row).
    /// </summary>
    public void CiteTyping(string? focused, Guid? shown)
    {
        if (shown is null)
        {
            return;
        }

        if (focused is not null && Values.Any(v => v.Key == focused && !string.IsNullOrWhiteSpace(v.Text)))
        {
            Cite(focused, shown);
        }

        foreach (var input in Values.Where(v => !string.IsNullOrWhiteSpace(v.Text) && !Evidence.ContainsKey(v.Key)))
        {
            Cite(input.Key, shown);
        }
    }

    /// <summary>A region marked on the viewer belongs to the metric field the volunteer was last in; false when that is no metric field.</summary>
    public bool MarkRegion(string? focused, ValueEvidence evidence)
    {
        if (focused is null || Values.All(v => v.Key != focused))
        {
            return false;
        }

        Evidence[focused] = evidence;
        return true;
    }

    /// <summary>The screenshot to open with: the one the field last in cites, else the first one cited.</summary>
    public Guid? InitialScreenshot(string? focused) =>
        Evidence.GetValueOrDefault(focused ?? "")?.ScreenshotId ?? Evidence.Values.Select(e => (Guid?)e.ScreenshotId).FirstOrDefault();

    /// <summary>What the values cite, in a sentence under the viewer.</summary>
    public string CitedSummary()
    {
        var cited = CitedEvidence();
        var regions = cited.Values.Count(e => e.Region is not null);
        return cited.Count == 0
            ? "Values you type are recorded as read from the screenshot on screen."
            : $"{cited.Count} value(s) cite a screenshot{(regions > 0 ? $", {regions} with a marked region" : "")}.";
    }

    /// <summary>The answers that have a reason picked.</summary>
    public IReadOnlyDictionary<string, WarningAnswer> GivenAnswers() =>
        Answers.Where(a => a.Value.Reason is not null).ToDictionary(a => a.Key, a => new WarningAnswer(a.Value.Reason!.Value, a.Value.Note));

    /// <summary>The source time if it reads as one, for the checks.</summary>
    public DateTime? SourceUpdatedSoFar()
    {
        try
        {
            return ParseUtc(SourceUpdatedAt);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Puts a saved draft back into the form (fields no longer in the catalog are dropped).</summary>
    public void Resume(DraftContent draft)
    {
        foreach (var input in Values)
        {
            input.Text = draft.Texts.GetValueOrDefault(input.Key);
        }

        SourceUpdatedAt = draft.SourceUpdatedAt;
        PublicNote = draft.PublicNote;
        PrivateNote = draft.PrivateNote;
        Evidence.Clear();
        foreach (var (key, evidence) in draft.Evidence ?? new Dictionary<string, ValueEvidence>())
        {
            Evidence[key] = evidence;
        }

        Answers.Clear();
        foreach (var (key, answer) in draft.Answers ?? new Dictionary<string, WarningAnswer>())
        {
            Answers[key] = new WarningAnswerInput { Reason = answer.Reason, Note = answer.Note };
        }
    }

    /// <summary>Puts typing the browser kept back into the fields (answers and evidence stay as they are).</summary>
    public void TakeTyped(IReadOnlyDictionary<string, string> fields)
    {
        foreach (var input in Values)
        {
            input.Text = fields.GetValueOrDefault(input.Key);
        }

        SourceUpdatedAt = fields.GetValueOrDefault(nameof(SourceUpdatedAt));
        PublicNote = fields.GetValueOrDefault(nameof(PublicNote));
        PrivateNote = fields.GetValueOrDefault(nameof(PrivateNote));
    }

    /// <summary>The values that parse; a field still in error counts as empty (the checks run on what is typed so far).</summary>
    public IReadOnlyDictionary<string, long?> ParsedValues() =>
        Values.ToDictionary(v => v.Key, v => MetricValueParser.Parse(v.Text).Value);

    public DateTime? ParsedSourceUpdatedAtUtc() => ParseUtc(SourceUpdatedAt);

    public static DateTime? ParseUtc(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        string[] formats = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm"];
        return DateTime.TryParseExact(text.Trim(), formats, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var value)
            ? DateTime.SpecifyKind(value, DateTimeKind.Utc)
            : throw new FormatException($"\"{text}\" is not a date and time.");
    }
}

/// <summary>Validates one metric field as typed (the form's validator applies it to every field).</summary>
public sealed class MetricInputValidator : AbstractValidator<MetricInput>
{
    public MetricInputValidator()
    {
        RuleFor(v => v.Text).Custom((text, context) =>
        {
            if (Bounds.ErrorOf(text, context.InstanceToValidate.MinValue, context.InstanceToValidate.MaxValue) is { } error)
            {
                context.AddFailure(error);
            }
        });
    }
}

public sealed class EntryFormValidator : MudFluentValidator<EntryFormModel>
{
    public const string NotASourceTime = "Enter the date and time the source shows as its last update (or leave it empty).";
    public const string NoControlCharacters =
        "A note cannot hold control characters (such as NUL or a right-to-left override); retype it without them.";

    public EntryFormValidator()
    {
        RuleForEach(f => f.Values).SetValidator(new MetricInputValidator());

        RuleFor(f => f.SourceUpdatedAt)
            .Must(BeADateTime).WithMessage(NotASourceTime);

        RuleFor(f => f.PublicNote)
            .MaximumLength(Pass.NoteMaxLength).WithMessage($"A note can be at most {Pass.NoteMaxLength:#,0} characters.")
            .Must(HaveNoControlCharacters).WithMessage(NoControlCharacters);

        RuleFor(f => f.PrivateNote)
            .MaximumLength(Pass.NoteMaxLength).WithMessage($"A note can be at most {Pass.NoteMaxLength:#,0} characters.")
            .Must(HaveNoControlCharacters).WithMessage(NoControlCharacters);
    }

    // PostgreSQL cannot store NUL in text (the save would fail with an error, not a sentence), and
    // a bidirectional override in a public note can make it read differently from what it holds.
    private static bool HaveNoControlCharacters(string? text) =>
        text is null || !text.Any(c => (char.IsControl(c) && c is not ('\t' or '\n' or '\r')) || c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069'));

    private static bool BeADateTime(string? text)
    {
        try
        {
            EntryFormModel.ParseUtc(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
