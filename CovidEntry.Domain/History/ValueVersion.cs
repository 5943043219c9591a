namespace CovidEntry.Domain.History;

/// <summary>Identifies one published cell: a metric of a jurisdiction on a data date.</summary>
public readonly record struct CellKey(string JurisdictionCode, DateOnly DataDate, string MetricKey);

/// <summary>One published value of one cell. Versions are appended, never changed.</summary>
public sealed class ValueVersion
{
    private ValueVersion()
    {
    }

    public ValueVersion(CellKey cell, Reading reading, int versionNumber, Guid batchId, string publishedByUserId, DateTime publishedAtUtc)
    {
        JurisdictionCode = cell.JurisdictionCode;
        DataDate = cell.DataDate;
        MetricKey = cell.MetricKey;
        Value = reading.Value;
        MissingReason = reading.Missing;
        VersionNumber = versionNumber;
        BatchId = batchId;
        PublishedByUserId = publishedByUserId;
        PublishedAtUtc = publishedAtUtc;
        LagDays = DateOnly.FromDateTime(publishedAtUtc).DayNumber - cell.DataDate.DayNumber;
    }

    public long Id { get; private set; }
    public string JurisdictionCode { get; private set; } = "";
    public DateOnly DataDate { get; private set; }
    public string MetricKey { get; private set; } = "";
    public long? Value { get; private set; }

    /// <summary>Why the value is empty, when it is not simply "not reported".</summary>
    public MissingReason? MissingReason { get; private set; }

    public int VersionNumber { get; private set; }
    public Guid BatchId { get; private set; }
    public string PublishedByUserId { get; private set; } = "";
    public DateTime PublishedAtUtc { get; private set; }

    /// <summary>Publish date minus data date, in days.</summary>
    public int LagDays { get; private set; }

    /// <summary>The screenshot the published value was read from, when it was entered against one.</summary>
    public Guid? ScreenshotId { get; private set; }

    /// <summary>Cites the screenshot the value was read from; only before the version is stored.</summary>
    public void CiteScreenshot(Guid? screenshotId)
    {
        if (Id != 0)
        {
            throw new DomainException("A stored version cannot change.");
        }

        ScreenshotId = screenshotId;
    }

    /// <summary>Takes the id the database gave the version when it stored it; once.</summary>
    public void StoredAs(long id)
    {
        if (Id != 0 || id <= 0)
        {
            throw new DomainException("A version is stored once, under a positive id.");
        }

        Id = id;
    }

    public CellKey Cell => new(JurisdictionCode, DataDate, MetricKey);

    public Reading Reading => new(Value, MissingReason);
}

/// <summary>The newest published version of one cell, kept in step with every publish.</summary>
public sealed class LatestValue
{
    private LatestValue()
    {
    }

    public LatestValue(ValueVersion version)
    {
        JurisdictionCode = version.JurisdictionCode;
        DataDate = version.DataDate;
        MetricKey = version.MetricKey;
        Apply(version);
    }

    public string JurisdictionCode { get; private set; } = "";
    public DateOnly DataDate { get; private set; }
    public string MetricKey { get; private set; } = "";
    public long? Value { get; private set; }
    public MissingReason? MissingReason { get; private set; }
    public int VersionNumber { get; private set; }
    public Guid BatchId { get; private set; }
    public DateTime PublishedAtUtc { get; private set; }
    public Guid? ScreenshotId { get; private set; }

    public CellKey Cell => new(JurisdictionCode, DataDate, MetricKey);

    public Reading Reading => new(Value, MissingReason);

    public void Apply(ValueVersion version)
    {
        if (version.Cell != Cell)
        {
            throw new DomainException("A version can only update the latest value of its own cell.");
        }

        if (version.VersionNumber != VersionNumber + 1)
        {
            throw new DomainException($"Version {version.VersionNumber} of {Cell} does not follow version {VersionNumber}.");
        }

        Value = version.Value;
        MissingReason = version.MissingReason;
        VersionNumber = version.VersionNumber;
        BatchId = version.BatchId;
        PublishedAtUtc = version.PublishedAtUtc;
        ScreenshotId = version.ScreenshotId;
    }
}
