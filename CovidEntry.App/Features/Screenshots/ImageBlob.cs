namespace CovidEntry.App.Features.Screenshots;

/// <summary>
/// The bytes of a checked, re-encoded image, stored once under their SHA-256 (content-addressed)
/// with a thumbnail made at the same time. Kept in PostgreSQL, so one backup restores data and
/// screenshots together; the database refuses to change or remove a stored image.
/// </summary>
public sealed class ImageBlob
{
    private ImageBlob()
    {
    }

    public ImageBlob(string sha256, byte[] content, string contentType, int width, int height, byte[] thumbnail, string thumbnailContentType, DateTime storedAtUtc)
    {
        Sha256 = sha256;
        Content = content;
        ContentType = contentType;
        Width = width;
        Height = height;
        ByteCount = content.LongLength;
        Thumbnail = thumbnail;
        ThumbnailContentType = thumbnailContentType;
        StoredAtUtc = storedAtUtc;
    }

    public string Sha256 { get; private set; } = "";
    public byte[] Content { get; private set; } = [];
    public string ContentType { get; private set; } = "";
    public int Width { get; private set; }
    public int Height { get; private set; }
    public long ByteCount { get; private set; }
    public byte[] Thumbnail { get; private set; } = [];
    public string ThumbnailContentType { get; private set; } = "";
    public DateTime StoredAtUtc { get; private set; }
}
