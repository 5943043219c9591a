using CovidEntry.Domain.Quality;

namespace CovidEntry.Domain.Entries;

/// <summary>One person's complete set of values for an entry.</summary>
public sealed class Pass
{
    public const int NoteMaxLength = 4000;

    private readonly List<PassValue> _values = [];

    private Pass()
    {
    }

    private readonly List<PassWarning> _warnings = [];

    internal Pass(int number, string userId, IReadOnlyDictionary<string, long?> values, DateTime? sourceUpdatedAtUtc,
        string? publicNote, string? privateNote, IEnumerable<PassWarning> warnings, DateTime submittedAtUtc)
    {
        _warnings.AddRange(warnings);
        Number = number;
        UserId = userId;
        SourceUpdatedAtUtc = sourceUpdatedAtUtc;
        PublicNote = publicNote;
        PrivateNote = privateNote;
        SubmittedAtUtc = submittedAtUtc;
        _values.AddRange(values.Select(v => new PassValue(v.Key, v.Value)));
    }

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public int Number { get; private set; }
    public string UserId { get; private set; } = "";
    public DateTime SubmittedAtUtc { get; private set; }

    /// <summary>The source page's own "last updated" time, as the volunteer read it.</summary>
    public DateTime? SourceUpdatedAtUtc { get; private set; }

    public string? PublicNote { get; private set; }
    public string? PrivateNote { get; private set; }
    public IReadOnlyList<PassValue> Values => _values;

    /// <summary>The warnings the values raised, each with the reason the volunteer gave.</summary>
    public IReadOnlyList<PassWarning> Warnings => _warnings;

    public IReadOnlyDictionary<string, long?> ValuesByMetric() => _values.ToDictionary(v => v.MetricKey, v => v.Value);
}

/// <summary>A warning raised by a submitted pass, with the volunteer's reason code and note.</summary>
public sealed class PassWarning
{
    private PassWarning()
    {
    }

    public PassWarning(QcWarning warning, WarningAnswer answer)
    {
        Rule = warning.Rule;
        Field = warning.Field;
        Message = warning.Message;
        Reason = answer.Reason;
        Note = string.IsNullOrWhiteSpace(answer.Note) ? null : answer.Note.Trim();
    }

    public QcRule Rule { get; private set; }
    public string Field { get; private set; } = "";
    public string Message { get; private set; } = "";
    public WarningReason Reason { get; private set; }
    public string? Note { get; private set; }
}

public sealed class PassValue
{
    private PassValue()
    {
    }

    internal PassValue(string metricKey, long? value)
    {
        MetricKey = metricKey;
        Value = value;
    }

    public string MetricKey { get; private set; } = "";
    public long? Value { get; private set; }
}
