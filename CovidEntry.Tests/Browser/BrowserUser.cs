using System.Collections.Concurrent;
using System.Text;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CovidEntry.Tests.Browser;

/// <summary>
/// One person at their own browser: a context with its own cookies, one page, and a record of
/// everything the server pushed to that page over the Blazor circuit's WebSocket.
/// </summary>
public sealed class BrowserUser : IAsyncDisposable
{
    private static readonly TimeSpan CircuitTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Marks the prerendered page's main element; the circuit's first render replaces it (see <see cref="OpenAsync"/>).</summary>
    public const string MarkPrerendered =
        "document.addEventListener('DOMContentLoaded', () => document.querySelectorAll('main').forEach(m => m.setAttribute('data-prerendered', '')));";

    // Chromium reports a blocked script, style or connection as a securitypolicyviolation event;
    // logging it as a console error lets the tests see every one, whatever page it happened on.
    private const string ReportCspViolations =
        "document.addEventListener('securitypolicyviolation', e => console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`));";

    private readonly IBrowserContext _context;
    private readonly ConcurrentQueue<byte[]> _received = new();
    private readonly ConcurrentQueue<string> _cspViolations = new();

    private BrowserUser(string name, IBrowserContext context, IPage page)
    {
        Name = name;
        _context = context;
        Page = page;
    }

    public string Name { get; }

    public IPage Page { get; }

    /// <summary>The person's browser, to open another tab in it (same cookies, same sign-in).</summary>
    public IBrowserContext Context => _context;

    /// <summary>Everything the pages' Content-Security-Policy refused so far.</summary>
    public IReadOnlyCollection<string> CspViolations => _cspViolations;

    public static async Task<BrowserUser> CreateAsync(string name, IBrowserContext context)
    {
        // Marks the server's HTML as it arrives. The circuit's first render replaces the layout's
        // <main> with an unmarked one, which is how OpenAsync knows the page has become interactive.
        await context.AddInitScriptAsync(MarkPrerendered);
        await context.AddInitScriptAsync(ReportCspViolations);
        var user = new BrowserUser(name, context, await context.NewPageAsync());
        user.Page.WebSocket += (_, socket) => user.Listen(socket);
        user.Page.Console += (_, message) =>
        {
            if (message.Type == "error" && (message.Text.StartsWith("CSP violation", StringComparison.Ordinal) || message.Text.Contains("Content Security Policy", StringComparison.Ordinal)))
            {
                user._cspViolations.Enqueue($"{message.Text} (on {user.Page.Url})");
            }
        };
        return user;
    }

    /// <summary>
    /// Opens an interactive page with a full load and waits until the circuit's render has
    /// replaced the prerendered HTML: before that, clicks do nothing and typed text is lost.
    /// </summary>
    public async Task OpenAsync(string path)
    {
        await Page.GotoAsync(path);
        try
        {
            await Expect(Page.Locator("main#main:not([data-prerendered])"))
                .ToHaveCountAsync(1, new() { Timeout = (float)CircuitTimeout.TotalMilliseconds });
        }
        catch (PlaywrightException ex)
        {
            throw new TimeoutException($"{Name}: {Page.Url} did not become interactive within {CircuitTimeout.TotalSeconds:0} s (the Blazor circuit never rendered).", ex);
        }
    }

    /// <summary>Signs in through the static Identity login page.</summary>
    public async Task SignInAsync(string email, string password)
    {
        await Page.GotoAsync("Account/Login");
        await Page.GetByLabel("Email").FillAsync(email);
        await Page.GetByLabel("Password").FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
    }

    /// <summary>Whether any frame the server sent to this person's pages contains the text.</summary>
    public bool ReceivedText(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return _received.Any(frame => frame.AsSpan().IndexOf(bytes) >= 0);
    }

    /// <summary>Whether any frame contains the exact bytes (a number as MessagePack encodes it, say).</summary>
    public bool ReceivedBytes(ReadOnlySpan<byte> bytes)
    {
        foreach (var frame in _received)
        {
            if (frame.AsSpan().IndexOf(bytes) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();

    private void Listen(IWebSocket socket)
    {
        socket.FrameReceived += (_, frame) => _received.Enqueue(Payload(frame));
    }

    private static byte[] Payload(IWebSocketFrame frame) => frame.Binary ?? Encoding.UTF8.GetBytes(frame.Text ?? "");

}
