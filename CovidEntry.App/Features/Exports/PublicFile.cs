using System.IO.Compression;
using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace CovidEntry.App.Features.Exports;

/// <summary>
/// One public file as it is served: its bytes, made once, with their gzip and Brotli forms (null when
/// compressing does not make it smaller), its SHA-256 and the moment its content last changed. Each
/// form has a strong ETag of its own, derived from the content's hash.
/// </summary>
public sealed class PublicFile
{
    public PublicFile(string path, string contentType, string? downloadName, long rows, byte[] content, byte[]? gzip, byte[]? brotli, string sha256, DateTimeOffset lastModified)
    {
        Path = path;
        ContentType = contentType;
        DownloadName = downloadName;
        Rows = rows;
        Content = Held(content);
        Gzip = gzip is not null && gzip.Length < content.Length ? Held(gzip) : null;
        Brotli = brotli is not null && brotli.Length < content.Length ? Held(brotli) : null;
        Sha256 = sha256;

        // HTTP dates have whole seconds; a finer time would never match If-Modified-Since.
        LastModified = new DateTimeOffset(lastModified.UtcTicks - lastModified.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        Tag = new EntityTagHeaderValue($"\"{sha256}\"");
        GzipTag = new EntityTagHeaderValue($"\"{sha256}.gz\"");
        BrotliTag = new EntityTagHeaderValue($"\"{sha256}.br\"");
        LastModifiedHeader = HeaderUtilities.FormatDate(LastModified);
        if (downloadName is not null)
        {
            var disposition = new ContentDispositionHeaderValue("attachment");
            disposition.SetHttpFileName(downloadName);
            ContentDispositionHeader = disposition.ToString();
        }
    }

    /// <summary>
    /// The bytes as served for the life of a generation, outside the young generations of the heap (on
    /// the pinned object heap, as the large object heap holds the big ones): a collection of the young
    /// generations then neither copies them nor counts them. A new generation's small files, tens of
    /// megabytes, were copied by the first young collections after every rebuild, which came during
    /// the next publish (docs/benchmarks.md, 2026-12-06 night).
    /// </summary>
    internal static byte[] Held(byte[] bytes)
    {
        if (GC.GetGeneration(bytes) >= GC.MaxGeneration)
        {
            return bytes;
        }

        var held = GC.AllocateUninitializedArray<byte>(bytes.Length, pinned: true);
        bytes.CopyTo(held, 0);
        return held;
    }

    /// <summary>The file's address without the leading slash, e.g. <c>api/v1/states/NY/daily.csv</c>.</summary>
    public string Path { get; }

    public string ContentType { get; }

    public string? DownloadName { get; }

    public long Rows { get; }

    public byte[] Content { get; }

    public byte[]? Gzip { get; }

    public byte[]? Brotli { get; }

    /// <summary>SHA-256 of <see cref="Content"/>, lower-case hex.</summary>
    public string Sha256 { get; }

    public DateTimeOffset LastModified { get; }

    public EntityTagHeaderValue Tag { get; }

    public EntityTagHeaderValue GzipTag { get; }

    public EntityTagHeaderValue BrotliTag { get; }

    /// <summary><see cref="LastModified"/> as the header writes it, formatted once.</summary>
    public string LastModifiedHeader { get; }

    /// <summary>The attachment header of a file with a download name, as ASP.NET Core's file results write it; formatted once.</summary>
    public string? ContentDispositionHeader { get; }

    /// <summary>Memory the file holds, all forms together.</summary>
    public long Footprint => Content.LongLength + (Gzip?.LongLength ?? 0) + (Brotli?.LongLength ?? 0);

    /// <summary>A file made now: hashes and compresses <paramref name="content"/>.</summary>
    public static PublicFile Make(string path, string contentType, string? downloadName, long rows, byte[] content, DateTimeOffset lastModified) =>
        new(path, contentType, downloadName, rows, content, PublicFileCompression.Gzip(content), PublicFileCompression.Brotli(content),
            Convert.ToHexStringLower(SHA256.HashData(content)), lastModified);
}

/// <summary>The compressed forms of a public file, made once when the file is made.</summary>
public static class PublicFileCompression
{
    /// <summary>
    /// Brotli's quality 5 with a 4 MB window: about as fast as gzip's default on these files and a
    /// fifth smaller; quality 11 would take minutes for the largest file for a few percent more.
    /// </summary>
    public const int BrotliQuality = 5;

    private const int BrotliWindow = 22;

    public static byte[] Gzip(byte[] content)
    {
        using var output = new MemoryStream(content.Length / 4 + 64);
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(content);
        }

        return output.ToArray();
    }

    public static byte[] Brotli(byte[] content)
    {
        var output = new byte[BrotliEncoder.GetMaxCompressedLength(content.Length)];
        using var encoder = new BrotliEncoder(BrotliQuality, BrotliWindow);
        var status = encoder.Compress(content, output, out _, out var written, isFinalBlock: true);
        if (status != System.Buffers.OperationStatus.Done)
        {
            throw new InvalidOperationException($"Brotli could not compress {content.Length} bytes: {status}.");
        }

        return output.AsSpan(0, written).ToArray();
    }

    public static byte[] Gunzip(byte[] gzip)
    {
        using var input = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress);
        using var output = new MemoryStream(gzip.Length * 6);
        input.CopyTo(output);
        return output.ToArray();
    }
}
