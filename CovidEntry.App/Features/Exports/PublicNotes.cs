using Markdig;
using Markdig.Renderers;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace CovidEntry.App.Features.Exports;

/// <summary>
/// A jurisdiction's notes are Markdown, as CTP wrote them (bold, links). Shown to the public as
/// HTML with no raw HTML of their own, links only to web addresses (any other link is its text),
/// and no images (a picture from elsewhere would tell that site who reads the page).
/// </summary>
public static class PublicNotes
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().DisableHtml().Build();

    public static string ToHtml(string markdown)
    {
        var document = Markdown.Parse(markdown, Pipeline);
        foreach (var link in document.Descendants<LinkInline>().ToList())
        {
            link.IsImage = false;
            if (!IsWebAddress(link.Url))
            {
                link.ReplaceBy(new LiteralInline(string.Concat(link.Descendants<LiteralInline>().Select(text => text.Content.ToString()))), copyChildren: false);
            }
        }

        foreach (var autolink in document.Descendants<AutolinkInline>().Where(a => a.IsEmail || !IsWebAddress(a.Url)).ToList())
        {
            autolink.ReplaceBy(new LiteralInline(autolink.Url));
        }

        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        renderer.Render(document);
        return writer.ToString();
    }

    private static bool IsWebAddress(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
}
