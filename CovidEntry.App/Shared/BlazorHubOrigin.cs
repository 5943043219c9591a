namespace CovidEntry.App.Shared;

/// <summary>
/// The interactive pages' hub (<c>/_blazor</c>: negotiate, WebSocket, long polling) answers only
/// pages of this site. A browser always sends <c>Origin</c> with these requests, and WebSockets are
/// not covered by the browser's same-origin rules, so without this check a page on another site
/// could open a circuit with the visitor's cookies (cross-site WebSocket hijacking). A request whose
/// Origin is not this site's scheme, host and port gets 403. Behind a proxy that ends TLS, forwarded
/// headers must be on so that the app sees https (ASPNETCORE_FORWARDEDHEADERS_ENABLED=true).
/// </summary>
public static class BlazorHubOrigin
{
    public const string HubPath = "/_blazor";

    public const string Message = "This page's connection must come from this site.";

    public static IApplicationBuilder UseBlazorHubOrigin(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(HubPath, StringComparison.OrdinalIgnoreCase)
                && context.Request.Headers.Origin is { Count: > 0 } origins
                && !origins.All(origin => IsSameOrigin(origin, context.Request)))
            {
                context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(BlazorHubOrigin))
                    .LogWarning("Refused {Path} from foreign origin {Origin}", context.Request.Path.Value, origins.ToString());
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync(Message);
                return;
            }

            await next(context);
        });

    public static bool IsSameOrigin(string? origin, HttpRequest request) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var parsed)
        && (parsed.Scheme == Uri.UriSchemeHttp || parsed.Scheme == Uri.UriSchemeHttps)
        && parsed.AbsolutePath == "/"
        && string.Equals(parsed.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(parsed.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
}
