namespace CovidEntry.Domain.Screenshots;

/// <summary>The image formats a screenshot may arrive in.</summary>
public enum ImageFormat
{
    Png,
    Jpeg,
    WebP,
}
