using System.Net;

namespace CovidEntry.App.Features.Diagnostics;

public static class DiagnosticsEndpoints
{
    /// <summary>
    /// With <c>Diagnostics:MemoryEndpoint</c> on (the load benchmark sets it; production leaves it
    /// off), <c>GET /_diagnostics/memory</c> answers callers on loopback with the managed heap
    /// after a full collection and the number of open circuits, so memory per circuit can be measured.
    /// </summary>
    public static void MapDiagnostics(this WebApplication app)
    {
        if (!app.Configuration.GetValue("Diagnostics:MemoryEndpoint", false))
        {
            return;
        }

        app.MapGet("/_diagnostics/memory", (HttpContext context) =>
        {
            if (context.Connection.RemoteIpAddress is not { } remote || !IPAddress.IsLoopback(remote))
            {
                return Results.NotFound();
            }

            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            return Results.Json(new
            {
                managedBytes = GC.GetTotalMemory(forceFullCollection: true),
                workingSetBytes = Environment.WorkingSet,
            });
        }).AllowAnonymous().ExcludeFromDescription();
    }
}
