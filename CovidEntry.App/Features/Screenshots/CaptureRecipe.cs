namespace CovidEntry.App.Features.Screenshots;

/// <summary>
/// How to photograph one source page, in this order: load <paramref name="Url"/> at the viewport
/// size, wait until <paramref name="WaitForSelector"/> is visible, pause
/// <paramref name="WaitMilliseconds"/>, click each of <paramref name="ClickSelectors"/>, hide each
/// of <paramref name="HideSelectors"/> (<c>visibility: hidden</c>, so the layout stays), then shoot
/// <paramref name="ElementSelector"/>'s element, or the full page when it is null. Selectors are
/// Playwright selectors (CSS unless prefixed, e.g. <c>text=Testing</c>); one that matches several
/// elements means the first.
/// </summary>
public sealed record CaptureRecipe(
    string Url,
    int ViewportWidth,
    int ViewportHeight,
    string? WaitForSelector,
    int WaitMilliseconds,
    IReadOnlyList<string> ClickSelectors,
    IReadOnlyList<string> HideSelectors,
    string? ElementSelector);
