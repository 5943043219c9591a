using System.Net;
using CovidEntry.Domain.People;
using CovidEntry.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace CovidEntry.Tests.Integration;

/// <summary>The app as Program.cs runs it, on a clock the tests move on: sessions are outlived without waiting.</summary>
public sealed class SessionClockApp : IAsyncLifetime
{
    private readonly TestDatabase _database = new();

    /// <summary>The defaults (Identity:Session): 30 minutes idle, 12 hours at most.</summary>
    public static readonly TimeSpan Idle = TimeSpan.FromMinutes(30);
    public static readonly TimeSpan Absolute = TimeSpan.FromHours(12);

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public InProcessApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        App = await InProcessApp.StartAsync(_database.ConnectionString, Clock);
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await _database.DisposeAsync();
    }

    public async Task<AccountClient> SignedInAsync(string name)
    {
        var email = await TestApp.CreatePersonAsync(_database.ConnectionString, name, RunningApp.Password, Roles.Volunteer);
        var visitor = new AccountClient(App.Address.ToString());
        Assert.Equal(HttpStatusCode.Redirect, (await visitor.SignInAsync(email, RunningApp.Password)).StatusCode);
        return visitor;
    }
}

/// <summary>
/// Idle and absolute session timeouts, end to end through the sign-in cookie and the session kept
/// in PostgreSQL. The clock is the app's TimeProvider, moved by the test: no test waits for time to pass.
/// </summary>
[Collection(SessionClockCollection.Name)]
public sealed class SessionTimeoutTests(SessionClockApp app)
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task ASessionUnusedForTheIdleTimeEnds()
    {
        using var visitor = await app.SignedInAsync("Ida Idle");
        Assert.Equal(HttpStatusCode.OK, (await visitor.Http.GetAsync("work")).StatusCode);

        app.Clock.Advance(SessionClockApp.Idle - Minute);
        Assert.Equal(HttpStatusCode.OK, (await visitor.Http.GetAsync("work")).StatusCode);

        app.Clock.Advance(SessionClockApp.Idle + Minute);
        await AssertSentToSignInAsync(visitor);
    }

    [Fact]
    public async Task TheKeepAliveOfAnActivePageCarriesASessionPastTheIdleTime()
    {
        using var visitor = await app.SignedInAsync("Kip Keepalive");
        var kept = TimeSpan.Zero;
        while (kept < 3 * SessionClockApp.Idle)
        {
            app.Clock.Advance(SessionClockApp.Idle / 3);
            kept += SessionClockApp.Idle / 3;
            Assert.Equal(HttpStatusCode.NoContent, (await visitor.Http.GetAsync("Account/KeepAlive")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await visitor.Http.GetAsync("work")).StatusCode);
    }

    [Fact]
    public async Task ASessionEndsAtTheAbsoluteLimitHoweverActiveItIs()
    {
        using var visitor = await app.SignedInAsync("Abe Absolute");
        var kept = TimeSpan.Zero;
        while (kept < SessionClockApp.Absolute - SessionClockApp.Idle)
        {
            app.Clock.Advance(SessionClockApp.Idle / 3);
            kept += SessionClockApp.Idle / 3;
            Assert.Equal(HttpStatusCode.NoContent, (await visitor.Http.GetAsync("Account/KeepAlive")).StatusCode);
        }

        // Active to the end, yet over the limit.
        while (kept <= SessionClockApp.Absolute)
        {
            app.Clock.Advance(SessionClockApp.Idle / 3);
            kept += SessionClockApp.Idle / 3;
            await visitor.Http.GetAsync("Account/KeepAlive");
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await visitor.Http.GetAsync("Account/KeepAlive")).StatusCode);
        await AssertSentToSignInAsync(visitor);
    }

    private static async Task AssertSentToSignInAsync(AccountClient visitor)
    {
        var response = await visitor.Http.GetAsync("work");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/Account/Login", response.Headers.Location!.ToString());
    }
}

/// <summary>The tests share one clock, so they take turns (a collection runs its classes one at a time).</summary>
[CollectionDefinition(Name)]
public sealed class SessionClockCollection : ICollectionFixture<SessionClockApp>
{
    public const string Name = "Sessions on a clock the tests move";
}
