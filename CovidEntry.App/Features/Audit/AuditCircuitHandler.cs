using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace CovidEntry.App.Features.Audit;

/// <summary>
/// Sets the audit actor around everything a Blazor circuit does (clicks, typing, timers started
/// from them): the signed-in person and the circuit as the correlation id.
/// </summary>
public sealed class AuditCircuitHandler(AuthenticationStateProvider authentication, ILogger<AuditCircuitHandler> logger) : CircuitHandler
{
    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        async context =>
        {
            var user = (await authentication.GetAuthenticationStateAsync()).User;
            var actor = AuditExtensions.ActorOf(user, "circuit:" + context.Circuit.Id);
            using var _ = AuditContext.Begin(actor);
            using var scope = logger.BeginScope(AuditExtensions.LogScope(actor));
            await next(context);
        };
}
