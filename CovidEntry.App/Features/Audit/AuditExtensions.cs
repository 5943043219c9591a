using System.Security.Claims;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace CovidEntry.App.Features.Audit;

public static class AuditExtensions
{
    public static void AddAudit(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AuditChainer>();
        builder.Services.AddSingleton<AuditVerifier>();
        builder.Services.AddHostedService<AuditChainerService>();
        builder.Services.AddScoped<CircuitHandler, AuditCircuitHandler>();
        builder.Services.AddScoped<AuditQueries>();
        builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, AuditingAuthorizationResultHandler>();
    }

    /// <summary>Every request acts as its signed-in person (or anonymously), correlated by its trace id.</summary>
    public static void UseAuditActor(this WebApplication app) =>
        app.Use(async (context, next) =>
        {
            var actor = ActorOf(context.User, "request:" + context.TraceIdentifier);
            using var _ = AuditContext.Begin(actor);

            // Every log line of the request names the person and the request (JSON logs show scopes).
            using var scope = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("CovidEntry.Request").BeginScope(LogScope(actor));
            await next(context);
        });

    public static Dictionary<string, object?> LogScope(AuditActor actor) => new()
    {
        ["UserId"] = actor.UserId,
        ["CorrelationId"] = actor.CorrelationId,
    };

    public static AuditActor ActorOf(ClaimsPrincipal user, string correlationId) =>
        user.Identity?.IsAuthenticated == true
            ? new AuditActor(user.FindFirstValue(ClaimTypes.NameIdentifier), user.Identity.Name, correlationId)
            : new AuditActor(null, null, correlationId);
}
