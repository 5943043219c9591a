using System.Diagnostics.CodeAnalysis;
using CovidEntry.Domain.Screenshots;

namespace CovidEntry.App.Features.Screenshots;

/// <summary>
/// A screenshot ready to store: re-encoded from its decoded pixels, so it carries no metadata and
/// nothing that was hidden after the image data. <see cref="Format"/> and
/// <see cref="ContentType"/> describe <see cref="Bytes"/> (PNG, or JPEG for a JPEG upload), not
/// what was uploaded.
/// </summary>
public sealed record SanitizedImage(
    byte[] Bytes,
    string ContentType,
    ImageFormat Format,
    int Width,
    int Height,
    byte[] Thumbnail,
    string ThumbnailContentType,
    bool NearlyUniform);

public enum ImageRefusalReason
{
    Empty,
    TooLarge,
    NotAnImage,
    TooManyPixels,
    Damaged,
}

/// <summary>Why an upload was refused: a reason to branch or log on, and a sentence for the volunteer.</summary>
public sealed record ImageRefusal(ImageRefusalReason Reason, string Message);

/// <summary>Either <see cref="Image"/> (accepted) or <see cref="Refusal"/> (refused), never both.</summary>
public sealed record SanitizeResult
{
    private SanitizeResult(SanitizedImage? image, ImageRefusal? refusal)
    {
        Image = image;
        Refusal = refusal;
    }

    public SanitizedImage? Image { get; }
    public ImageRefusal? Refusal { get; }

    [MemberNotNullWhen(true, nameof(Image))]
    [MemberNotNullWhen(false, nameof(Refusal))]
    public bool IsAccepted => Image is not null;

    public static SanitizeResult Accepted(SanitizedImage image) => new(image, null);

    public static SanitizeResult Refused(ImageRefusalReason reason, string message) => new(null, new ImageRefusal(reason, message));
}
