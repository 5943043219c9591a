using CovidEntry.Domain.Screenshots;

namespace CovidEntry.App.Features.Screenshots;

/// <summary>Places a marked region over its image, in percent, so it stays put at any zoom.</summary>
public static class RegionStyle
{
    public static string Of(MarkedRegion region) =>
        FormattableString.Invariant($"left:{region.X * 100:0.##}%;top:{region.Y * 100:0.##}%;width:{region.Width * 100:0.##}%;height:{region.Height * 100:0.##}%");
}
