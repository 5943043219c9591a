using CovidEntry.App;
using CovidEntry.App.Components;
using CovidEntry.App.Components.Account;
using CovidEntry.App.Data;
using CovidEntry.App.Features.Exports;

var builder = WebApplication.CreateBuilder(args);

// Serve the static files of referenced packages (MudBlazor, blazor.web.js) from a build output
// as well as from a publish output, whatever the environment.
builder.WebHost.UseStaticWebAssets();

builder.AddData();
builder.AddCovidEntry();

var app = builder.Build();

if (app.Environment.IsDevelopment())
{
    app.UseMigrationsEndPoint();
}
else
{
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
    app.UseHsts();
}

app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseAntiforgery();

app.MapStaticAssets();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.MapAdditionalIdentityEndpoints();
app.MapData();
app.MapExports();

await app.PrepareDatabaseAsync(migrate: args.FirstOrDefault() == "migrate");
if (args.FirstOrDefault() == "migrate")
{
    // `migrate`: bring the database up to date, seed it, and exit (for deployments that keep
    // Database:MigrateOnStartup off).
    return;
}

await app.StartAsync();
var addresses = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
    .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses ?? [];
foreach (var address in addresses)
{
    Console.WriteLine($"CovidEntry is running at {address}");
}

await app.WaitForShutdownAsync();

/// <summary>Entry point type, visible to the tests.</summary>
public partial class Program;
