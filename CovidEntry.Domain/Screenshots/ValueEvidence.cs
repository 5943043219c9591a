namespace CovidEntry.Domain.Screenshots;

/// <summary>A part of a screenshot, as fractions of its width and height (0 to 1), so it survives zoom.</summary>
public sealed record MarkedRegion(double X, double Y, double Width, double Height)
{
    public static MarkedRegion Create(double x, double y, double width, double height)
    {
        var region = new MarkedRegion(Math.Round(x, 4), Math.Round(y, 4), Math.Round(width, 4), Math.Round(height, 4));
        if (!region.IsValid)
        {
            throw new DomainException("A marked region must lie inside the screenshot.");
        }

        return region;
    }

    public bool IsValid =>
        double.IsFinite(X) && double.IsFinite(Y) && double.IsFinite(Width) && double.IsFinite(Height)
        && X >= 0 && Y >= 0 && Width > 0 && Height > 0 && X + Width <= 1.0001 && Y + Height <= 1.0001;
}

/// <summary>The screenshot a value was read from, and optionally where on it.</summary>
public sealed record ValueEvidence(Guid ScreenshotId, MarkedRegion? Region = null);
