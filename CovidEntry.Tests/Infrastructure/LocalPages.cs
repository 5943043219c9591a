using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CovidEntry.Tests.Infrastructure;

/// <summary>
/// A little web site on loopback standing in for the state dashboards that screenshots are taken
/// of (there is no internet here). It serves a set of known pages (<see cref="Table"/>,
/// <see cref="Slow"/>, …) and whatever a test adds with <see cref="Html"/> or <see cref="Route"/>,
/// and counts the requests each path gets.
/// </summary>
public sealed class LocalPages : IAsyncDisposable
{
    /// <summary>A state's numbers in a table; the positive count is 1,234 in <c>#positive</c>.</summary>
    public const string Table = "/table";

    /// <summary>The table page, answered only after <see cref="SlowDelay"/>.</summary>
    public const string Slow = "/slow";

    /// <summary>Loads at once, but its table (<c>#positive</c>) is added by a script after <see cref="LateDelay"/>.</summary>
    public const string Late = "/late";

    /// <summary>Numbers that appear only after <c>#show</c> is clicked; the click also retitles the page "Numbers shown".</summary>
    public const string ClickToShow = "/click-to-show";

    /// <summary>White and empty, titled "Blank".</summary>
    public const string Blank = "/blank";

    /// <summary>Answers 404 with an HTML page titled "Page not found".</summary>
    public const string Missing = "/missing";

    /// <summary>A white page with a <see cref="CardWidth"/>×<see cref="CardHeight"/> green <c>#card</c> away from the corner.</summary>
    public const string Card = "/card";

    /// <summary>A white page whose top 100 pixels are a red <c>#banner</c>, as a cookie banner would be.</summary>
    public const string Banner = "/banner";

    /// <summary>Redirects (302) to <see cref="Table"/>.</summary>
    public const string Moved = "/moved";

    public const int CardWidth = 320;
    public const int CardHeight = 140;

    public static readonly TimeSpan SlowDelay = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan LateDelay = TimeSpan.FromMilliseconds(500);

    private readonly WebApplication _server;
    private readonly ConcurrentDictionary<string, RequestDelegate> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _requests = new(StringComparer.Ordinal);

    private LocalPages(WebApplication server)
    {
        _server = server;
    }

    /// <summary>Like <c>http://127.0.0.1:41234</c>, without a trailing slash.</summary>
    public string BaseUrl { get; private set; } = "";

    public int Port => new Uri(BaseUrl).Port;

    /// <summary>Serves on <paramref name="host"/> (any 127.x.y.z is this machine) at <paramref name="port"/>, a free one by default.</summary>
    public static async Task<LocalPages> StartAsync(string host = "127.0.0.1", int port = 0)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.UseUrls($"http://{host}:{port}");
        var pages = new LocalPages(builder.Build());
        pages.AddKnownPages();
        pages._server.Run(pages.ServeAsync);
        await pages._server.StartAsync();
        var address = pages._server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        pages.BaseUrl = address.TrimEnd('/');
        return pages;
    }

    /// <summary>The absolute address of <paramref name="path"/> (with or without its leading slash, query allowed).</summary>
    public string Url(string path) => BaseUrl + "/" + path.TrimStart('/');

    /// <summary>Serves <paramref name="html"/> at <paramref name="path"/>, after <paramref name="delay"/> if given.</summary>
    public void Html(string path, string html, int status = StatusCodes.Status200OK, TimeSpan? delay = null) =>
        Route(path, async context =>
        {
            if (delay is { } wait)
            {
                await Task.Delay(wait, context.RequestAborted);
            }

            context.Response.StatusCode = status;
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync(html, context.RequestAborted);
        });

    /// <summary>Answers <paramref name="path"/> with <paramref name="handler"/>, replacing what was there.</summary>
    public void Route(string path, RequestDelegate handler) => _routes[Normalize(path)] = handler;

    public void Redirect(string path, string target, int status = StatusCodes.Status302Found) =>
        Route(path, context =>
        {
            context.Response.StatusCode = status;
            context.Response.Headers.Location = target;
            return Task.CompletedTask;
        });

    /// <summary>How many requests <paramref name="path"/> has had, answered or not.</summary>
    public int Requests(string path) => _requests.GetValueOrDefault(Normalize(path));

    /// <summary>A whole HTML document with <paramref name="body"/>, on a white background with no margin.</summary>
    public static string Document(string title, string body, string head = "") =>
        $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>{{title}}</title>
        <style>html, body { margin: 0; background: #fff; font: 16px sans-serif; }</style>
        {{head}}
        </head>
        <body>
        {{body}}
        </body>
        </html>
        """;

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync();
        await _server.DisposeAsync();
    }

    private static string Normalize(string path) => "/" + path.TrimStart('/');

    private Task ServeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        _requests.AddOrUpdate(path, 1, (_, count) => count + 1);
        if (_routes.TryGetValue(path, out var handler))
        {
            return handler(context);
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync(Document("Page not found", $"<h1>Nothing at {path}</h1>"), context.RequestAborted);
    }

    private void AddKnownPages()
    {
        const string numbers = """
            <h1>Cases in Testland</h1>
            <table id="numbers">
              <tr><th>Metric</th><th>Count</th></tr>
              <tr><td>Positive</td><td id="positive">1,234</td></tr>
              <tr><td>Negative</td><td id="negative">56,789</td></tr>
            </table>
            """;
        Html(Table, Document("Testland cases", numbers));
        Html(Slow, Document("Testland cases", numbers), delay: SlowDelay);
        Html(Late, Document("Testland cases", "<h1>Loading…</h1>", $$"""
            <script>
            setTimeout(() => { document.body.innerHTML = `{{numbers}}`; }, {{(int)LateDelay.TotalMilliseconds}});
            </script>
            """));
        Html(ClickToShow, Document("Testland dashboard", """
            <button id="show" type="button">Show testing numbers</button>
            <div id="panel"></div>
            <script>
            document.getElementById('show').addEventListener('click', () => {
              document.getElementById('panel').innerHTML = '<table><tr><td>Tests</td><td id="tests">98,765</td></tr></table>';
              document.title = 'Numbers shown';
            });
            </script>
            """));
        Html(Blank, Document("Blank", ""));
        Html(Missing, Document("Page not found", "<h1>No such page</h1>"), StatusCodes.Status404NotFound);
        Html(Card, Document("Testland card", $"""
            <h1>Summary</h1>
            <div id="card" style="width: {CardWidth}px; height: {CardHeight}px; margin: 40px 60px; background: #2a6;">Positive 1,234</div>
            """));
        Html(Banner, Document("Testland with banner", """
            <div id="banner" style="position: fixed; top: 0; left: 0; right: 0; height: 100px; background: #f00;">We use cookies</div>
            """));
        Redirect(Moved, Table);
    }
}
