namespace CovidEntry.Domain.Quality;

/// <summary>
/// A known warning muted on purpose: for one jurisdiction, one rule and one metric (or all of
/// them), up to and including a data date, with the reason a lead gave. One shared list, used
/// by every check.
/// </summary>
public sealed class MutedWarning
{
    public const int ReasonMaxLength = 1000;

    private MutedWarning()
    {
    }

    public MutedWarning(string jurisdictionCode, string? metricKey, QcRule rule, DateOnly untilDate, string reason, string createdByUserId, DateTime nowUtc)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new DomainException("Say why this warning is muted, for the next lead who wonders.");
        }

        if (reason.Length > ReasonMaxLength)
        {
            throw new DomainException($"A reason can be at most {ReasonMaxLength:#,0} characters.");
        }

        JurisdictionCode = jurisdictionCode;
        MetricKey = string.IsNullOrWhiteSpace(metricKey) ? null : metricKey;
        Rule = rule;
        UntilDate = untilDate;
        Reason = reason.Trim();
        CreatedByUserId = createdByUserId;
        CreatedAtUtc = nowUtc;
    }

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public string JurisdictionCode { get; private set; } = "";

    /// <summary>Null mutes the rule for every field of the jurisdiction.</summary>
    public string? MetricKey { get; private set; }

    public QcRule Rule { get; private set; }

    /// <summary>The last data date muted (inclusive).</summary>
    public DateOnly UntilDate { get; private set; }

    public string Reason { get; private set; } = "";
    public string CreatedByUserId { get; private set; } = "";
    public DateTime CreatedAtUtc { get; private set; }

    public bool Mutes(QcWarning warning, string jurisdictionCode, DateOnly dataDate) =>
        JurisdictionCode == jurisdictionCode
        && Rule == warning.Rule
        && (MetricKey is null || MetricKey == warning.Field)
        && dataDate <= UntilDate;
}
