namespace CovidEntry.Domain.Quality;

/// <summary>The checks that warn (the blocking ones are the form's validation).</summary>
public enum QcRule
{
    /// <summary>A running total lower than the previous published day.</summary>
    CumulativeDecrease,

    /// <summary>A part larger than its whole, e.g. confirmed cases above all cases.</summary>
    PartExceedsWhole,

    /// <summary>Confirmed and probable deaths do not add up to deaths.</summary>
    PartsDoNotAddUp,

    /// <summary>A daily increase far above its trailing 7-day average.</summary>
    Spike,

    /// <summary>One metric unchanged for days while the others moved.</summary>
    Unchanged,

    /// <summary>The source's "last updated" time is more than a day old.</summary>
    SourceStale,

    /// <summary>The source's "last updated" time is in the future.</summary>
    SourceInFuture,
}

/// <summary>Why a value that raised a warning is right anyway: the volunteer must pick one.</summary>
public enum WarningReason
{
    SourceRevised,
    DefinitionChange,
    Backlog,
    ConfirmedOnSource,
    Other,
}

/// <summary>One warning about an entry; <see cref="Field"/> is a metric key or <see cref="SourceField"/>.</summary>
public sealed record QcWarning(QcRule Rule, string Field, string Message)
{
    /// <summary>The field of the warnings about the source's last-updated time.</summary>
    public const string SourceField = "source";

    /// <summary>Identifies the warning within one entry: one rule speaks once per field.</summary>
    public string Key => $"{Rule}:{Field}";

    public static string Describe(QcRule rule) => rule switch
    {
        QcRule.CumulativeDecrease => "Running total fell",
        QcRule.PartExceedsWhole => "Part larger than its whole",
        QcRule.PartsDoNotAddUp => "Confirmed + probable deaths ≠ deaths",
        QcRule.Spike => "Increase far above the 7-day average",
        QcRule.Unchanged => "Unchanged for days while others moved",
        QcRule.SourceStale => "Source not updated for over a day",
        QcRule.SourceInFuture => "Source time in the future",
        _ => rule.ToString(),
    };

    public static string Describe(WarningReason reason) => reason switch
    {
        WarningReason.SourceRevised => "Source revised its numbers",
        WarningReason.DefinitionChange => "Definition changed",
        WarningReason.Backlog => "Backlog reported at once",
        WarningReason.ConfirmedOnSource => "Checked again: the source says so",
        WarningReason.Other => "Other (say what in the note)",
        _ => reason.ToString(),
    };
}

/// <summary>A volunteer's answer to a warning: a reason code and an optional note.</summary>
public sealed record WarningAnswer(WarningReason Reason, string? Note)
{
    public const int NoteMaxLength = 1000;
}
