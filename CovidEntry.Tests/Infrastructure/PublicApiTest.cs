namespace CovidEntry.Tests.Infrastructure;

/// <summary>A <see cref="LoopTest"/> whose public endpoints are also served over real HTTP.</summary>
public abstract class PublicApiTest : LoopTest
{
    private PublicApi? _api;

    protected HttpClient Http => _api!.Http;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _api = await PublicApi.StartAsync(Database.ConnectionString);
    }

    public override async Task DisposeAsync()
    {
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}
