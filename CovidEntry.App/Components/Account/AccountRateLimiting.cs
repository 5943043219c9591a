using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace CovidEntry.App.Components.Account;

/// <summary>
/// Per client address, a budget of Account form posts per minute (sign-in, two-factor and recovery
/// codes, password changes, passkey options), so passwords cannot be tried at speed even across
/// many accounts, which the per-account lockout alone does not stop. One global limiter keyed on the
/// path rather than an attribute on each page: a new Account page is covered without remembering to.
/// </summary>
public static class AccountRateLimiting
{
    public const string Message = "Too many sign-in attempts from your network address. Wait a minute, then try again.";

    private const string Unlimited = "";

    public static void AddAccountRateLimiting(this IServiceCollection services, IdentitySettings settings)
    {
        var window = TimeSpan.FromMinutes(1);
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                IsLimited(context.Request)
                    ? RateLimitPartition.GetFixedWindowLimiter(ClientAddress(context), _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = settings.SignInRateLimit.PermitsPerMinute,
                        Window = window,
                        QueueLimit = 0,
                    })
                    : RateLimitPartition.GetNoLimiter(Unlimited));
            options.OnRejected = async (rejected, cancellationToken) =>
            {
                var context = rejected.HttpContext;
                context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AccountRateLimiting))
                    .LogWarning("Refused {Method} {Path} from {ClientAddress}: over {Permits} Account posts a minute",
                        context.Request.Method, context.Request.Path.Value, ClientAddress(context), settings.SignInRateLimit.PermitsPerMinute);

                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : window;
                context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

                // A body with a content type also keeps the status-code pages from replacing it with "not found".
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync(Message, cancellationToken);
            };
        });
    }

    /// <summary>Every POST to an Account page or endpoint, except signing out, which should always work.</summary>
    public static bool IsLimited(HttpRequest request) =>
        HttpMethods.IsPost(request.Method)
        && request.Path.StartsWithSegments("/Account", StringComparison.OrdinalIgnoreCase)
        && !request.Path.StartsWithSegments("/Account/Logout", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The connection's address. Behind a reverse proxy that is the proxy's, so every client would
    /// share one budget: enable forwarded headers there (ASPNETCORE_FORWARDEDHEADERS_ENABLED=true).
    /// </summary>
    private static string ClientAddress(HttpContext context) =>
        context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
