using Microsoft.AspNetCore.Antiforgery;

namespace CovidEntry.App.Shared;

/// <summary>
/// A form or request refused for its antiforgery token (missing, expired, from another site, or for
/// someone else) answers 400 with a sentence, wherever it happens: before the endpoint when the
/// antiforgery middleware has already found the token bad, and when an endpoint checks the token
/// itself. Never a 500 with a stack trace.
/// </summary>
public static class AntiforgeryFailures
{
    public const string Message = "This form has expired or did not come from this site. Reload the page and try again.";

    public static IApplicationBuilder UseAntiforgeryFailures(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (context.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false } refused)
            {
                await RefuseAsync(context, refused.Error);
                return;
            }

            try
            {
                await next(context);
            }
            catch (AntiforgeryValidationException ex) when (!context.Response.HasStarted)
            {
                await RefuseAsync(context, ex);
            }
        });

    private static async Task RefuseAsync(HttpContext context, Exception? reason)
    {
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AntiforgeryFailures))
            .LogWarning("Refused {Method} {Path}: {Reason}", context.Request.Method, context.Request.Path.Value, reason?.Message ?? "antiforgery token not valid");
        context.Response.Clear();
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync(Message);
    }
}
