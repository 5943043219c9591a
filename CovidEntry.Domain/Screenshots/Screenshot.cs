namespace CovidEntry.Domain.Screenshots;

public enum ScreenshotOrigin
{
    /// <summary>Taken by the capture service at one of the source's capture times.</summary>
    Scheduled,

    /// <summary>Taken by the capture service when someone asked for it ("capture now").</summary>
    OnDemand,

    /// <summary>A file a volunteer uploaded.</summary>
    Upload,

    /// <summary>An image a volunteer pasted from the clipboard.</summary>
    Paste,
}

/// <summary>The stored image's facts, after it was checked and re-encoded.</summary>
public sealed record StoredImage(string Sha256, long ByteCount, int Width, int Height, string ContentType);

/// <summary>What the browser saw when it captured a page.</summary>
public sealed record PageFacts(int? HttpStatus, string? FinalUrl, string? PageTitle, int DurationMs);

/// <summary>
/// One image of a jurisdiction's source page, the evidence values are read from. Immutable once
/// taken: the image is stored by its SHA-256, and the database refuses changes to either.
/// </summary>
public sealed class Screenshot
{
    public const int HashLength = 64;
    public const int TitleMaxLength = 500;
    public const int ContentTypeMaxLength = 32;

    private Screenshot()
    {
    }

    private Screenshot(string jurisdictionCode, int? sourceId, string sourceLabel, ScreenshotOrigin origin, StoredImage image, DateTime takenAtUtc, Screenshot? previous)
    {
        if (image.Sha256.Length != HashLength)
        {
            throw new DomainException("A screenshot is stored by its SHA-256.");
        }

        JurisdictionCode = jurisdictionCode;
        SourceId = sourceId;
        SourceLabel = sourceLabel;
        Origin = origin;
        Sha256 = image.Sha256;
        ByteCount = image.ByteCount;
        Width = image.Width;
        Height = image.Height;
        ContentType = image.ContentType;
        TakenAtUtc = takenAtUtc;
        FirstSeenAtUtc = previous is not null && previous.Sha256 == image.Sha256 ? previous.FirstSeenAtUtc : takenAtUtc;
    }

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public string JurisdictionCode { get; private set; } = "";
    public int? SourceId { get; private set; }

    /// <summary>The source's label when the image was taken (labels can change later).</summary>
    public string SourceLabel { get; private set; } = "";

    public ScreenshotOrigin Origin { get; private set; }
    public DateTime TakenAtUtc { get; private set; }
    public string Sha256 { get; private set; } = "";
    public long ByteCount { get; private set; }
    public int Width { get; private set; }
    public int Height { get; private set; }
    public string ContentType { get; private set; } = "";
    public int? HttpStatus { get; private set; }
    public string? FinalUrl { get; private set; }
    public string? PageTitle { get; private set; }
    public int? DurationMs { get; private set; }
    public string? UploadedByUserId { get; private set; }

    /// <summary>
    /// When this source first showed exactly this image: the same as <see cref="TakenAtUtc"/> unless
    /// the captures before it were identical ("source unchanged since …").
    /// </summary>
    public DateTime FirstSeenAtUtc { get; private set; }

    public bool IsCapture => Origin is ScreenshotOrigin.Scheduled or ScreenshotOrigin.OnDemand;

    /// <summary>True when the source looked different in the capture before this one.</summary>
    public bool ChangedFrom(Screenshot? previous) => previous is not null && previous.Sha256 != Sha256;

    public static Screenshot Captured(string jurisdictionCode, int sourceId, string sourceLabel, ScreenshotOrigin origin,
        StoredImage image, PageFacts page, Screenshot? previous, DateTime takenAtUtc)
    {
        if (origin is not (ScreenshotOrigin.Scheduled or ScreenshotOrigin.OnDemand))
        {
            throw new DomainException("A capture is scheduled or on demand.");
        }

        return new Screenshot(jurisdictionCode, sourceId, sourceLabel, origin, image, takenAtUtc, previous)
        {
            HttpStatus = page.HttpStatus,
            FinalUrl = page.FinalUrl,
            PageTitle = page.PageTitle is { Length: > TitleMaxLength } title ? title[..TitleMaxLength] : page.PageTitle,
            DurationMs = page.DurationMs,
        };
    }

    public static Screenshot Uploaded(string jurisdictionCode, int sourceId, string sourceLabel, ScreenshotOrigin origin,
        StoredImage image, string userId, DateTime takenAtUtc)
    {
        if (origin is not (ScreenshotOrigin.Upload or ScreenshotOrigin.Paste))
        {
            throw new DomainException("An uploaded image is uploaded or pasted.");
        }

        // An upload is not part of the run of identical captures: its FirstSeen is its own time.
        return new Screenshot(jurisdictionCode, sourceId, sourceLabel, origin, image, takenAtUtc, null) { UploadedByUserId = userId };
    }
}
