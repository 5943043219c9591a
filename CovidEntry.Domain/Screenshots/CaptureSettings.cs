namespace CovidEntry.Domain.Screenshots;

/// <summary>
/// How a source page is captured: the browser window, what to wait for, what to click or hide
/// first, the whole page or one element, and the times of day (UTC) it is captured on its own.
/// </summary>
public sealed record CaptureSettings(
    int ViewportWidth,
    int ViewportHeight,
    string? WaitForSelector,
    int WaitMilliseconds,
    IReadOnlyList<string> ClickSelectors,
    IReadOnlyList<string> HideSelectors,
    string? ElementSelector,
    IReadOnlyList<TimeOnly> TimesUtc)
{
    public const int MinViewport = 320;
    public const int MaxViewportWidth = 3840;
    public const int MaxViewportHeight = 4320;
    public const int MaxWaitMilliseconds = 60_000;
    public const int SelectorMaxLength = 500;
    public const int MaxSelectors = 10;
    public const int MaxTimes = 24;

    public static CaptureSettings Default { get; } = new(1280, 900, null, 0, [], [], null, []);

    /// <summary>Every reason these settings cannot be used, as sentences; empty when they can.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (ViewportWidth is < MinViewport or > MaxViewportWidth)
        {
            problems.Add($"The window width must be between {MinViewport} and {MaxViewportWidth} pixels.");
        }

        if (ViewportHeight is < MinViewport or > MaxViewportHeight)
        {
            problems.Add($"The window height must be between {MinViewport} and {MaxViewportHeight} pixels.");
        }

        if (WaitMilliseconds is < 0 or > MaxWaitMilliseconds)
        {
            problems.Add($"The extra wait must be between 0 and {MaxWaitMilliseconds / 1000} seconds.");
        }

        var selectors = new[] { WaitForSelector, ElementSelector }.Concat(ClickSelectors).Concat(HideSelectors).OfType<string>();
        if (selectors.Any(s => s.Length > SelectorMaxLength || s.Any(char.IsControl)))
        {
            problems.Add($"A selector can be at most {SelectorMaxLength} characters, on one line.");
        }

        if (ClickSelectors.Any(string.IsNullOrWhiteSpace) || HideSelectors.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add("A click or hide selector cannot be blank.");
        }

        if (ClickSelectors.Count > MaxSelectors || HideSelectors.Count > MaxSelectors)
        {
            problems.Add($"At most {MaxSelectors} click and {MaxSelectors} hide selectors.");
        }

        if (TimesUtc.Count > MaxTimes)
        {
            problems.Add($"At most {MaxTimes} capture times a day.");
        }

        if (TimesUtc.Distinct().Count() != TimesUtc.Count)
        {
            problems.Add("A capture time is listed twice.");
        }

        return problems;
    }

    /// <summary>Blank optional selectors become none, lists lose blanks, times are sorted.</summary>
    public CaptureSettings Normalized() => this with
    {
        WaitForSelector = Blank(WaitForSelector),
        ElementSelector = Blank(ElementSelector),
        ClickSelectors = ClickSelectors.Select(s => s.Trim()).Where(s => s.Length > 0).ToList(),
        HideSelectors = HideSelectors.Select(s => s.Trim()).Where(s => s.Length > 0).ToList(),
        TimesUtc = TimesUtc.Order().ToList(),
    };

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
