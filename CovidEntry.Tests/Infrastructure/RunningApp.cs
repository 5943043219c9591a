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

    /// <summary>A visitor of its own (own cookies); with <paramref name="forwardedFor"/>, from that address (the app must trust forwarded headers).</summary>
    public AccountClient NewClient(string? forwardedFor = null) => new(BaseUrl, forwardedFor);

    /// <summary>Creates a person with <see cref="Password"/> directly in the app's database; returns their email.</summary>
    public Task<string> CreatePersonAsync(string displayName, params string[] roles) =>
        TestApp.CreatePersonAsync(ConnectionString, displayName, Password, roles);

    /// <summary>Runs something with the app's own services on its database (to arrange or inspect).</summary>
    public Task<T> WithUsersAsync<T>(Func<UserManager<ApplicationUser>, Task<T>> action) =>
        WithServicesAsync(services => action(services.GetRequiredService<UserManager<ApplicationUser>>()));

    /// <summary>
    /// Runs something with the app's own services on its database, as another instance of the app
    /// would: what it changes reaches the running app through the database only.
    /// </summary>
    public async Task<T> WithServicesAsync<T>(Func<IServiceProvider, Task<T>> action)
    {
        await using var app = TestApp.Build(ConnectionString);
        using var scope = app.Services.CreateScope();
        return await action(scope.ServiceProvider);
    }

    /// <summary>Creates several people with <see cref="Password"/> at once; returns their emails.</summary>
    public Task<IReadOnlyList<string>> CreatePeopleAsync(string displayNamePrefix, int count, params string[] roles) =>
        WithUsersAsync<IReadOnlyList<string>>(async users =>
        {
            var emails = new List<string>();
            for (var i = 1; i <= count; i++)
            {
                var email = $"{displayNamePrefix.Replace(' ', '.').ToLowerInvariant()}.{i}.{Guid.NewGuid().ToString("N")[..6]}@example.org";
                var person = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = $"{displayNamePrefix} {i}", CreatedAtUtc = DateTime.UtcNow };
                var created = await users.CreateAsync(person, Password);
                Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Description)));
                Assert.True((await users.AddToRolesAsync(person, roles.Length == 0 ? [CovidEntry.Domain.People.Roles.Volunteer] : roles)).Succeeded);
                emails.Add(email);
            }

            return emails;
        });

    /// <summary>Turns on two-factor sign-in with an authenticator app for the person; returns the app's key.</summary>
    public Task<string> EnableAuthenticatorAsync(string email) =>
        WithUsersAsync(async users =>
        {
            var user = (await users.FindByEmailAsync(email))!;
            Assert.True((await users.ResetAuthenticatorKeyAsync(user)).Succeeded);
            Assert.True((await users.SetTwoFactorEnabledAsync(user, true)).Succeeded);
            return (await users.GetAuthenticatorKeyAsync(user))!;
        });

    /// <summary>New recovery codes for a person with two-factor sign-in.</summary>
    public Task<IReadOnlyList<string>> RecoveryCodesAsync(string email) =>
        WithUsersAsync<IReadOnlyList<string>>(async users =>
            (await users.GenerateNewTwoFactorRecoveryCodesAsync((await users.FindByEmailAsync(email))!, 4))!.ToList());
}

/// <summary>
/// The app as configured by default. Many tests sign people in from the one loopback address: only
/// failed sign-ins use the address's budget, so they need no raised limit.
/// </summary>
public sealed class DefaultRunningApp : RunningApp
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();
}

[CollectionDefinition(Name)]
public sealed class DefaultRunningAppCollection : ICollectionFixture<DefaultRunningApp>
{
    public const string Name = "Default running app";
}
