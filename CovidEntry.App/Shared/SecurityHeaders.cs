using System.Security.Cryptography;
using Scalar.AspNetCore;

namespace CovidEntry.App.Shared;

/// <summary>
/// Security headers on every response: a Content-Security-Policy that Blazor Server and MudBlazor
/// work under, no framing, no MIME sniffing, and referrers cut to the origin across sites. HSTS is
/// added by UseHsts outside Development.
/// </summary>
public static class SecurityHeaders
{
    private const string NonceItem = "CovidEntry.CspNonce";

    public static void AddSecurityHeaders(this WebApplicationBuilder builder) =>
        // OWASP ASVS 5.0 3.4.1 asks a year; subdomains are left alone (they may not all be on HTTPS).
        builder.Services.AddHsts(options => options.MaxAge = TimeSpan.FromDays(365));

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            // Written as the response starts: only then is its content type known, Scalar has put its
            // nonce in Items, and the exception handler (which clears headers) is done.
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = PolicyFor(context);
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
                return Task.CompletedTask;
            });
            await next(context);
        });

    /// <summary>The nonce that lets this page's own inline script (the import map) run; made on first use.</summary>
    public static string Nonce(HttpContext context)
    {
        if (context.Items[NonceItem] is not string nonce)
        {
            nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            context.Items[NonceItem] = nonce;
        }

        return nonce;
    }

    public static string PolicyFor(HttpContext context)
    {
        if (context.Items[ScalarOptions.NonceHttpContextItemKey] is string scalarNonce)
        {
            // The API reference page (Scalar): its inline start-up script carries Scalar's nonce, and
            // it renders code samples in workers it makes from blobs.
            return Policy($"'self' 'nonce-{scalarNonce}'", "'self'", "worker-src 'self' blob:");
        }

        if (context.Response.ContentType is { } type && type.StartsWith("text/html", StringComparison.OrdinalIgnoreCase))
        {
            var script = context.Items[NonceItem] is string nonce ? $"'self' 'nonce-{nonce}'" : "'self'";

            // 'self' covers the circuit's WebSocket in current browsers; the explicit ws/wss of this
            // host is for the browsers that read CSP level 2, where 'self' means http(s) only.
            var host = context.Request.Host.Value;
            return Policy(script, $"'self' ws://{host} wss://{host}");
        }

        // Files, JSON and images are not documents: nothing in them may load or run anything.
        return "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
    }

    private static string Policy(string scriptSources, string connectSources, string? extra = null) =>
        "default-src 'self'; "
        + $"script-src {scriptSources}; "
        // MudBlazor positions popovers and sizes components with inline style attributes, and its
        // theme provider writes a <style> element: inline styles cannot be avoided.
        + "style-src 'self' 'unsafe-inline'; "
        + "img-src 'self' data: blob:; "
        + "font-src 'self' data:; "
        + $"connect-src {connectSources}; "
        + "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
        + (extra is null ? "" : "; " + extra);
}
