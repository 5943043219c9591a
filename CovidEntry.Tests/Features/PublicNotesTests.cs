using CovidEntry.App.Features.Exports;

namespace CovidEntry.Tests.Features;

public class PublicNotesTests
{
    [Fact]
    public void CtpsMarkdownBecomesBoldTextAndLinks()
    {
        var html = PublicNotes.ToHtml("New York City reports **Deaths (probable)** that the state does not; see [the city's page](https://www1.nyc.gov/site/doh/covid/covid-19-data.page).");

        Assert.Contains("<strong>Deaths (probable)</strong>", html);
        Assert.Contains("<a href=\"https://www1.nyc.gov/site/doh/covid/covid-19-data.page\">the city's page</a>", html);
    }

    [Fact]
    public void RawHtmlInNotesIsShownAsTextNeverRun()
    {
        var html = PublicNotes.ToHtml("Counts changed <script>alert(1)</script> and <img src=x onerror=alert(2)>.");

        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<img", html);
        Assert.Contains("&lt;script&gt;", html);
    }

    [Theory]
    [InlineData("[click](javascript:alert(1))")]
    [InlineData("[click](data:text/html;base64,PHNjcmlwdD4=)")]
    [InlineData("[click](/relative/address)")]
    public void LinksGoOnlyToWebAddresses(string markdown)
    {
        var html = PublicNotes.ToHtml(markdown);

        Assert.Equal("<p>click</p>", html.Trim());
    }

    [Fact]
    public void AnImageIsALinkNotAPictureFromElsewhere()
    {
        var html = PublicNotes.ToHtml("![the dashboard](https://example.org/tracker.png)");

        Assert.DoesNotContain("<img", html);
        Assert.Contains("<a href=\"https://example.org/tracker.png\">the dashboard</a>", html);
    }

    [Fact]
    public void AnAutolinkToSomethingOtherThanTheWebIsPlainText()
    {
        var html = PublicNotes.ToHtml("Write to <mailto:press@example.org> or see <https://example.org/data>.");

        Assert.DoesNotContain("href=\"mailto:", html);
        Assert.Contains("mailto:press@example.org", html);
        Assert.Contains("<a href=\"https://example.org/data\">https://example.org/data</a>", html);
    }
}
