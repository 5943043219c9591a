namespace CovidEntry.Domain.History;

/// <summary>Why a published value is empty.</summary>
public enum MissingReason
{
    /// <summary>The source did not give the number (the default for an empty value).</summary>
    NotReported,

    /// <summary>The source does not collect this number at all.</summary>
    NotApplicable,

    /// <summary>The source used to give the number and took it down.</summary>
    RemovedBySource,

    /// <summary>The number is withheld (small counts, privacy).</summary>
    Suppressed,
}

/// <summary>
/// One published reading of a cell: a number, or empty with a reason. "Not reported" is kept
/// as no reason at all, so that an empty value and an empty not-reported value are the same.
/// </summary>
public readonly record struct Reading
{
    public Reading(long? value, MissingReason? missing = null)
    {
        if (value < 0)
        {
            throw new DomainException("Counts cannot be negative.");
        }

        Value = value;
        Missing = value is null && missing is not MissingReason.NotReported ? missing : null;
    }

    public long? Value { get; }

    /// <summary>Why the value is empty, when it is empty for another reason than "not reported".</summary>
    public MissingReason? Missing { get; }

    /// <summary>Nothing to say: empty and not reported.</summary>
    public bool IsNothing => Value is null && Missing is null;

    /// <summary>The reason an empty value is empty (not reported unless said otherwise); null for a number.</summary>
    public MissingReason? ReasonIfEmpty => Value is null ? Missing ?? MissingReason.NotReported : null;

    public static implicit operator Reading(long? value) => new(value);

    /// <summary>The name the v2 file uses for a reason.</summary>
    public static string PublicName(MissingReason reason) => reason switch
    {
        MissingReason.NotApplicable => "not_applicable",
        MissingReason.RemovedBySource => "removed_by_source",
        MissingReason.Suppressed => "suppressed",
        _ => "not_reported",
    };
}
