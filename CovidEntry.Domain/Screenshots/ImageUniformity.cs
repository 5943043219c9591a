namespace CovidEntry.Domain.Screenshots;

/// <summary>
/// Spots blank captures: a page that had not rendered yet, an error page of one colour, a white
/// screenshot. Works on a small grid of luminance samples, each the average of its area, so a
/// line of text on a white page still darkens a whole row of samples.
/// </summary>
public static class ImageUniformity
{
    /// <summary>How far (0–255) a sample may be from the most common value and still count as "the same".</summary>
    public const int Tolerance = 8;

    /// <summary>The share of samples, in thousandths, that must be "the same" for the image to be nearly uniform.</summary>
    public const int UniformPerMille = 995;

    /// <summary>
    /// True when at least 99.5% of the samples lie within <see cref="Tolerance"/> of the most
    /// common value. No samples at all counts as blank.
    /// </summary>
    public static bool IsNearlyUniform(ReadOnlySpan<byte> luminance)
    {
        if (luminance.IsEmpty)
        {
            return true;
        }

        Span<int> histogram = stackalloc int[256];
        foreach (var value in luminance)
        {
            histogram[value]++;
        }

        var mode = 0;
        for (var value = 1; value < 256; value++)
        {
            if (histogram[value] > histogram[mode])
            {
                mode = value;
            }
        }

        // The mode's neighbourhood, not just the mode: JPEG noise and anti-aliasing spread a blank
        // page over a few adjacent values.
        var near = 0;
        for (var value = Math.Max(0, mode - Tolerance); value <= Math.Min(255, mode + Tolerance); value++)
        {
            near += histogram[value];
        }

        return (long)near * 1000 >= (long)UniformPerMille * luminance.Length;
    }
}
