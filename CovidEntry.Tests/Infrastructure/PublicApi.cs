using CovidEntry.App.Data;
using CovidEntry.App.Features.Exports;
using CovidEntry.App.Features.Screenshots;
using CovidEntry.App.Features.Snapshots;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace CovidEntry.Tests.Infrastructure;

/// <summary>The app's public endpoints served over real HTTP on a loopback port, on a test database.</summary>
public sealed class PublicApi : IAsyncDisposable
{
    private readonly WebApplication _server;

    private PublicApi(WebApplication server, HttpClient http)
    {
        _server = server;
        Http = http;
    }

    public HttpClient Http { get; }

    public static async Task<PublicApi> StartAsync(string connectionString)
    {
        var server = TestApp.Build(connectionString);
        server.Urls.Add("http://127.0.0.1:0");
        server.MapData();
        server.MapExports();
        server.MapSnapshots();
        server.MapScreenshots();
        await server.StartAsync();
        var address = server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new PublicApi(server, new HttpClient { BaseAddress = new Uri(address) });
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _server.DisposeAsync();
    }
}
