namespace CovidEntry.Domain.History;

/// <summary>Identifies one jurisdiction-day: a jurisdiction on a data date.</summary>
public readonly record struct DayKey(string JurisdictionCode, DateOnly DataDate);

/// <summary>
/// A jurisdiction reported on a data date. The day is published data in its own right, apart
/// from its values: a jurisdiction may report with every metric empty (often on its first day),
/// and CTP's files still have its row, count it in the national <c>states</c> and take it as the
/// previous day of the next one. A day exists in every read as of the moment the batch that
/// first reported it was published, and in none before; it is recorded once and never changed.
/// </summary>
/// <remarks>
/// Its <see cref="Id"/> comes from the same sequence as the value versions' ids, so that one
/// number orders everything published and a snapshot pinned to it includes exactly the
/// versions and the days written up to it.
/// </remarks>
public sealed class ReportedDay
{
    private ReportedDay()
    {
    }

    public ReportedDay(DayKey day, Guid batchId, DateTime publishedAtUtc)
    {
        if (publishedAtUtc.Kind == DateTimeKind.Local)
        {
            throw new DomainException("A reported day's publish time must be in UTC.");
        }

        JurisdictionCode = day.JurisdictionCode;
        DataDate = day.DataDate;
        BatchId = batchId;
        PublishedAtUtc = publishedAtUtc;
    }

    public long Id { get; private set; }
    public string JurisdictionCode { get; private set; } = "";
    public DateOnly DataDate { get; private set; }

    /// <summary>The batch that first reported the day.</summary>
    public Guid BatchId { get; private set; }

    public DateTime PublishedAtUtc { get; private set; }

    public DayKey Day => new(JurisdictionCode, DataDate);

    /// <summary>
    /// The days a publish records: each day it reports that is not recorded yet, once, in the
    /// order given. A day reported again (a later shift for the same date, an import of the same
    /// file) keeps the moment it first existed.
    /// </summary>
    public static IReadOnlyList<ReportedDay> Plan(IEnumerable<DayKey> reported, IReadOnlySet<DayKey> recorded, Guid batchId, DateTime publishedAtUtc)
    {
        var seen = new HashSet<DayKey>(recorded);
        return reported.Where(seen.Add).Select(day => new ReportedDay(day, batchId, publishedAtUtc)).ToList();
    }
}

/// <summary>
/// The canonical form of the days a batch first reported, as its sealed digest event records them
/// (BatchManifests in the app writes the same in SQL): "AK|2020-03-01", by code then date, one a line.
/// </summary>
public static class DayLines
{
    public static string Line(DayKey day) => day.JurisdictionCode + "|" + day.DataDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static string Sha256(IEnumerable<DayKey> days) => VersionLines.Sha256(string.Join('\n', days
        .OrderBy(d => d.JurisdictionCode, StringComparer.Ordinal).ThenBy(d => d.DataDate)
        .Select(Line)));
}
