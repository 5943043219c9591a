using System.Net;
using CovidEntry.Domain.People;
using CovidEntry.Tests.Infrastructure;

namespace CovidEntry.Tests.Integration;

/// <summary>The running app with sessions short enough to outlive in a test: 6 s idle, 14.4 s absolute.</summary>
public sealed class ShortSessionRunningApp : RunningApp
{
    public static readonly TimeSpan Idle = TimeSpan.FromSeconds(6);
    public static readonly TimeSpan Absolute = TimeSpan.FromSeconds(14.4);

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Identity__Session__IdleMinutes"] = "0.1",
        ["Identity__Session__AbsoluteHours"] = "0.004",
    };
}

/// <summary>Idle and absolute session timeouts, end to end through the sign-in cookie.</summary>
public sealed class SessionTimeoutTests(ShortSessionRunningApp app) : IClassFixture<ShortSessionRunningApp>
{
    [Fact]
    public async Task ASessionUnusedForTheIdleTimeEnds()
    {
        using var visitor = await SignedInAsync("Ida Idle");
        Assert.Equal(HttpStatusCode.OK, (await visitor.Http.GetAsync("work")).StatusCode);

        await Task.Delay(ShortSessionRunningApp.Idle + TimeSpan.FromSeconds(2));

        await AssertSentToSignInAsync(visitor);
    }

    [Fact]
    public async Task TheKeepAliveOfAnActivePageCarriesASessionPastTheIdleTime()
    {
        using var visitor = await SignedInAsync("Kip Keepalive");
        var until = DateTime.UtcNow + ShortSessionRunningApp.Idle + TimeSpan.FromSeconds(3);
        while (DateTime.UtcNow < until)
        {
            Assert.Equal(HttpStatusCode.NoContent, (await visitor.Http.GetAsync("Account/KeepAlive")).StatusCode);
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(HttpStatusCode.OK, (await visitor.Http.GetAsync("work")).StatusCode);
    }

    [Fact]
    public async Task ASessionEndsAtTheAbsoluteLimitHoweverActiveItIs()
    {
        using var visitor = await SignedInAsync("Abe Absolute");
        var until = DateTime.UtcNow + ShortSessionRunningApp.Absolute + TimeSpan.FromSeconds(2);
        while (DateTime.UtcNow < until)
        {
            await visitor.Http.GetAsync("Account/KeepAlive");
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await visitor.Http.GetAsync("Account/KeepAlive")).StatusCode);
        await AssertSentToSignInAsync(visitor);
    }

    private async Task<AccountClient> SignedInAsync(string name)
    {
        var email = await app.CreatePersonAsync(name, Roles.Volunteer);
        var visitor = app.NewClient();
        Assert.Equal(HttpStatusCode.Redirect, (await visitor.SignInAsync(email, RunningApp.Password)).StatusCode);
        return visitor;
    }

    private static async Task AssertSentToSignInAsync(AccountClient visitor)
    {
        var response = await visitor.Http.GetAsync("work");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/Account/Login", response.Headers.Location!.ToString());
    }
}
