using CovidEntry.App.Data;
using CovidEntry.Tests.Browser;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace CovidEntry.Tests.Infrastructure;

/// <summary>
/// The real app (its own Program.cs, so its whole request pipeline) running as a child process on
/// a database of its own, with the settings a test class needs, for tests of what happens to
/// requests: sign-in, rate limits, headers, sessions.
/// </summary>
public abstract class RunningApp : IAsyncLifetime
{
    public const string Password = "violet tractor monsoon ledger";

    private AppServer? _server;

    public string BaseUrl => _server!.BaseUrl;

    public string ConnectionString { get; private set; } = "";

    /// <summary>What the app printed, to explain a failure.</summary>
    public string Output => _server?.Output ?? "";

    /// <summary>Settings as environment variables (Section__Key).</summary>
    protected abstract IReadOnlyDictionary<string, string> Settings { get; }

    public async Task InitializeAsync()
    {
        ConnectionString = await TestCluster.CreateDatabaseAsync("running");
        _server = await AppServer.StartAsync(ConnectionString, environment: Settings);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    public AccountClient NewClient() => new(BaseUrl);

    /// <summary>Creates a person with <see cref="Password"/> directly in the app's database; returns their email.</summary>
    public Task<string> CreatePersonAsync(string displayName, params string[] roles) =>
        TestApp.CreatePersonAsync(ConnectionString, displayName, Password, roles);

    /// <summary>Runs something with the app's own services on its database (to arrange or inspect).</summary>
    public async Task<T> WithUsersAsync<T>(Func<UserManager<ApplicationUser>, Task<T>> action)
    {
        await using var app = TestApp.Build(ConnectionString);
        using var scope = app.Services.CreateScope();
        return await action(scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>());
    }
}

/// <summary>The app as configured by default, except that many tests sign in from the same loopback address.</summary>
public sealed class DefaultRunningApp : RunningApp
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Identity__SignInRateLimit__PermitsPerMinute"] = "1000",
    };
}

[CollectionDefinition(Name)]
public sealed class DefaultRunningAppCollection : ICollectionFixture<DefaultRunningApp>
{
    public const string Name = "Default running app";
}
