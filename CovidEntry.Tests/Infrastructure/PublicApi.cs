using CovidEntry.App.Data;
using CovidEntry.App.Features.Exports;
using CovidEntry.App.Features.Screenshots;
using CovidEntry.App.Features.Snapshots;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace CovidEntry.Tests.Infrastructure;

/// <summary>Waits for an app's public files to catch up with the database (they are made a moment after each commit).</summary>
public static class FreshPublicFiles
{
    /// <summary>Waits until the app of <paramref name="services"/> serves the files of the data as it is now; returns their source key.</summary>
    public static async Task<string> WaitAsync(IServiceProvider services, TimeSpan? timeout = null)
    {
        var factory = services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<CovidEntryDbContext>>();
        var store = services.GetRequiredService<PublicFileStore>();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            string key;
            await using (var db = await factory.CreateDbContextAsync())
            {
                key = (await PublicFileSource.ReadAsync(db, CancellationToken.None)).Key;
            }

            if (store.Current?.Key == key)
            {
                return key;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The app did not serve the files of {key} in time; it serves {store.Loaded?.Key ?? "none"}.");
            }

            // The key may move on meanwhile (another commit): look again after a while either way.
            await Task.WhenAny(store.WhenServingAsync(key), Task.Delay(1_000));
        }
    }
}

/// <summary>
/// The app's public endpoints served over real HTTP on a loopback port, on a test database.
/// <see cref="Http"/> waits before each request until the server serves files made from the data as
/// it is now (the files are made a moment after each commit); <see cref="RawHttp"/> does not.
/// </summary>
public sealed class PublicApi : IAsyncDisposable
{
    private readonly WebApplication _server;

    private PublicApi(WebApplication server, Uri address)
    {
        _server = server;
        Http = new HttpClient(new FreshFilesHandler(this) { InnerHandler = new HttpClientHandler() }) { BaseAddress = address };
        RawHttp = new HttpClient { BaseAddress = address };
    }

    public HttpClient Http { get; }

    public HttpClient RawHttp { get; }

    public IServiceProvider Services => _server.Services;

    public PublicFileStore Store => _server.Services.GetRequiredService<PublicFileStore>();

    /// <summary>Waits until the server serves the files of the data as it is now; returns their source key.</summary>
    public Task<string> FreshAsync(TimeSpan? timeout = null) => FreshPublicFiles.WaitAsync(_server.Services, timeout);

    private sealed class FreshFilesHandler(PublicApi api) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await api.FreshAsync();
            return await base.SendAsync(request, cancellationToken);
        }
    }

    /// <param name="configure">Changes to the app's services, e.g. one on a fake clock.</param>
    public static async Task<PublicApi> StartAsync(string connectionString, IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configure = null)
    {
        var server = TestApp.Build(connectionString, settings, configure);
        server.Urls.Add("http://127.0.0.1:0");
        server.UsePublicCorsPreflight();
        server.UseDirectPublicFiles();
        server.MapData();
        server.MapExports();
        server.MapSnapshots();
        server.MapScreenshots();
        await server.StartAsync();
        var address = server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new PublicApi(server, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        RawHttp.Dispose();
        await _server.DisposeAsync();
    }
}
