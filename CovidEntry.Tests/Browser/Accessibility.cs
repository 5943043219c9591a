using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;

namespace CovidEntry.Tests.Browser;

public static class Accessibility
{
    /// <summary>No serious or critical violation of axe's WCAG 2.1 A/AA and best-practice rules on the page as it is now.</summary>
    public static Task AssertAccessibleAsync(BrowserUser person, string what) => AssertAccessibleAsync(person.Page, what);

    /// <summary>
    /// The boxes on the page that scroll (a wide table on a phone) but cannot be reached by the
    /// keyboard, as axe's scrollable-region-focusable rule finds them (one rule: cheap on every page).
    /// </summary>
    public static async Task<IReadOnlyList<string>> UnreachableScrollBoxesAsync(Microsoft.Playwright.IPage page, string what)
    {
        var result = await page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "rule", Values = ["scrollable-region-focusable"] },
        });
        return result.Violations.SelectMany(v => v.Nodes.Select(node => $"{what}: {string.Join(" ", node.Target)}")).ToList();
    }

    /// <summary>The same for a page of its own (another tab of a person's browser).</summary>
    public static async Task AssertAccessibleAsync(Microsoft.Playwright.IPage page, string what)
    {
        var blocking = await BlockingViolationsAsync(page);
        Assert.True(blocking.Count == 0, $"axe found on the {what}:\n" + string.Join("\n", blocking));
    }

    /// <summary>The serious and critical violations of axe's WCAG 2.1 A/AA and best-practice rules on the page as it is now, described.</summary>
    public static async Task<IReadOnlyList<string>> BlockingViolationsAsync(Microsoft.Playwright.IPage page)
    {
        var result = await page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
        });
        return result.Violations.Where(v => v.Impact is "serious" or "critical").Select(Describe).ToList();

        static string Describe(AxeResultItem violation) =>
            $"{violation.Impact} {violation.Id}: {violation.Help}\n" + string.Join("\n", violation.Nodes.Select(node =>
                $"    {string.Join(" ", node.Target)}: {string.Join("; ", node.Any.Concat(node.All).Concat(node.None).Select(c => c.Message))}"));
    }
}
