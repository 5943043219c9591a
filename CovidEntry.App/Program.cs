using CovidEntry.App;
using CovidEntry.App.Components;
using CovidEntry.App.Components.Account;
using CovidEntry.App.Data;
using CovidEntry.App.Features.Audit;
using CovidEntry.App.Features.Diagnostics;
using CovidEntry.App.Features.Exports;
using CovidEntry.App.Features.Imports;
using CovidEntry.App.Features.Screenshots;
using CovidEntry.App.Features.Snapshots;
using CovidEntry.App.Shared;

// verify-snapshot checks a downloaded folder with nothing else: no host, no database, no keys.
if (args.Length > 0 && args[0] == VerifySnapshotCommand.Verb)
{
    return VerifySnapshotCommand.Run(args[1..], Console.Out, Console.Error);
}

// Admin verbs (`migrate`, `import-ctp FILE`, `audit-verify`) come first; whatever follows them is the host's.
var command = CommandLine.Parse(args);

try
{
    var builder = WebApplication.CreateBuilder(command.HostArguments);

    // Serve the static files of referenced packages (MudBlazor, blazor.web.js) from a build output
    // as well as from a publish output, whatever the environment.
    builder.WebHost.UseStaticWebAssets();

    // Admin verbs use the private cluster of an app already running on the data folder, never stopping
    // it; whatever this process started is stopped when it ends, even if it fails to start.
    await using var ownCluster = builder.AddData(shareCluster: command.Verb is not null);
    builder.AddCovidEntry();

    var app = builder.Build();

    app.UseCookieSecurity();
    app.UseSecurityHeaders();
    app.UsePublicCorsPreflight();
    if (app.Environment.IsDevelopment())
    {
        app.UseMigrationsEndPoint();
    }
    else
    {
        app.UseExceptionHandler("/Error", createScopeForErrors: true);
        app.UseHsts();
    }

    // The public files ready in memory, answered before the machinery of pages and sign-in: routing
    // and sign-in are placed after them here, where WebApplication would put them first.
    app.UseDirectPublicFiles();
    app.UseRouting();
    app.UseAuthentication();
    app.UseAuthorization();

    app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
    app.UseAuditActor();
    app.UseBlazorHubOrigin();
    app.UseAntiforgery();
    app.UseAccountProtection();

    app.MapStaticAssets();
    app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
    app.MapAdditionalIdentityEndpoints();
    app.MapData();
    app.MapExports();
    app.MapSnapshots();
    app.MapScreenshots();
    app.MapAudit();
    app.MapDiagnostics();

    await app.PrepareDatabaseAsync(migrate: command.Verb == CommandLine.Migrate);
    switch (command.Verb)
    {
        case CommandLine.Migrate:
            // Bring the database up to date, seed it, and exit (for deployments that keep
            // Database:MigrateOnStartup off).
            return await app.RunCommandAsync(() => Task.FromResult(0));
        case AuditVerifyCommand.Verb:
            return await app.RunCommandAsync(() => AuditVerifyCommand.RunAsync(app));
        case ImportCommand.Verb:
            return await app.RunCommandAsync(() => ImportCommand.RunAsync(app, command.VerbArguments));
    }

    await app.StartAsync();
    var addresses = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
        .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses ?? [];
    foreach (var address in addresses)
    {
        Console.WriteLine($"CovidEntry is running at {address}");
    }

    await app.WaitForShutdownAsync();
    return 0;
}
catch (CannotStartException ex)
{
    // A reason the operator can fix: the sentence alone says what to do.
    Console.Error.WriteLine($"CovidEntry cannot start: {ex.Message}");
    return 1;
}

/// <summary>Entry point type, visible to the tests.</summary>
public partial class Program;
