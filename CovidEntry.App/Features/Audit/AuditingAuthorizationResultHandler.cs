using CovidEntry.App.Data;
using CovidEntry.Domain.Audit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Audit;

/// <summary>
/// Records an access denial (a signed-in person asking for what their roles do not allow), then
/// answers as the default handler does. Anonymous visitors are sent to sign in, which is not a denial.
/// </summary>
public sealed class AuditingAuthorizationResultHandler(IDbContextFactory<CovidEntryDbContext> dbFactory, ILogger<AuditingAuthorizationResultHandler> logger)
    : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden)
        {
            try
            {
                await using var db = await dbFactory.CreateDbContextAsync(context.RequestAborted);
                await AuditLog.RecordAsync(db, AuditAction.AccessDenied, AuditKinds.Page, context.Request.Path.Value,
                    [new FieldChange("method", null, context.Request.Method)], context.RequestAborted,
                    AuditExtensions.ActorOf(context.User, "request:" + context.TraceIdentifier));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The denial stands either way; a missing record is logged, not turned into a 500.
                logger.LogError(ex, "Recording the access denial of {Path} for {User} failed", context.Request.Path, context.User.Identity?.Name);
            }
        }

        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
