namespace CovidEntry.App.Features.Exports;

/// <summary>
/// A complete generation of the materialized public files in PostgreSQL, readable by every instance
/// (docs/decisions/032). Derived data: written whole in one transaction (never half), never updated,
/// and removed once two newer generations exist.
/// </summary>
public sealed class PublicFileGeneration
{
    public const int SourceKeyMaxLength = 64;

    public long Id { get; private set; }

    /// <summary>The <see cref="PublicFileSource.Key"/> the files were made from; one generation per key.</summary>
    public string SourceKey { get; private set; } = "";

    public long LastPublishedId { get; private set; }

    /// <summary>The database's time in the snapshot the files were read in.</summary>
    public DateTime BuiltAtUtc { get; private set; }

    /// <summary>The distinct publish times up to the generation, oldest first (see <see cref="PublicFileSet.Moments"/>).</summary>
    public DateTime[] Moments { get; private set; } = [];
}

/// <summary>One file of a generation, kept compressed: the gzip form gives back the bytes, the Brotli form is served as it is.</summary>
public sealed class PublicFileBlob
{
    public const int PathMaxLength = 200;

    public long GenerationId { get; private set; }

    public string Path { get; private set; } = "";

    public string ContentType { get; private set; } = "";

    public string? DownloadName { get; private set; }

    public long Rows { get; private set; }

    public long Length { get; private set; }

    public string Sha256 { get; private set; } = "";

    public DateTime LastModifiedUtc { get; private set; }

    public byte[] Gzip { get; private set; } = [];

    public byte[]? Brotli { get; private set; }
}
