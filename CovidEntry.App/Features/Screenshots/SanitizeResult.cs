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

    /// <summary>Decoding it would need more memory than the server sets aside for images, or it is busy with others.</summary>
    OverBudget,
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

/// <summary>
/// What an image's header says, read without decoding a pixel: its format and size and the
/// memory decoding it will take, or why it is refused already.
/// </summary>
public sealed record ImageInspection(ImageFormat Format, int Width, int Height, long DecodeBytes, ImageRefusal? Refusal)
{
    public static ImageInspection Refused(ImageRefusalReason reason, string message) => new(default, 0, 0, 0, new ImageRefusal(reason, message));
}
