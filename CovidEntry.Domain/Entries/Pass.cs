using CovidEntry.Domain.Quality;
using CovidEntry.Domain.Screenshots;

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
        string? publicNote, string? privateNote, IEnumerable<PassWarning> warnings, IReadOnlyDictionary<string, ValueEvidence> evidence, DateTime submittedAtUtc)
    {
        _warnings.AddRange(warnings);
        Number = number;
        UserId = userId;
        SourceUpdatedAtUtc = sourceUpdatedAtUtc;
        PublicNote = publicNote;
        PrivateNote = privateNote;
        SubmittedAtUtc = submittedAtUtc;
        _values.AddRange(values.Select(v => new PassValue(v.Key, v.Value, evidence.GetValueOrDefault(v.Key))));
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

    /// <summary>The screenshot each value was read from, where the volunteer had one on screen.</summary>
    public IReadOnlyDictionary<string, ValueEvidence> EvidenceByMetric() =>
        _values.Where(v => v.Evidence is not null).ToDictionary(v => v.MetricKey, v => v.Evidence!);
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

    internal PassValue(string metricKey, long? value, ValueEvidence? evidence)
    {
        MetricKey = metricKey;
        Value = value;
        ScreenshotId = evidence?.ScreenshotId;
        RegionX = evidence?.Region?.X;
        RegionY = evidence?.Region?.Y;
        RegionWidth = evidence?.Region?.Width;
        RegionHeight = evidence?.Region?.Height;
    }

    public string MetricKey { get; private set; } = "";
    public long? Value { get; private set; }

    /// <summary>The screenshot the value was read from.</summary>
    public Guid? ScreenshotId { get; private set; }

    public double? RegionX { get; private set; }
    public double? RegionY { get; private set; }
    public double? RegionWidth { get; private set; }
    public double? RegionHeight { get; private set; }

    public ValueEvidence? Evidence => ScreenshotId is { } id
        ? new ValueEvidence(id, RegionX is { } x && RegionY is { } y && RegionWidth is { } w && RegionHeight is { } h ? new MarkedRegion(x, y, w, h) : null)
        : null;
}
