using System.Net;
using CovidEntry.App.Components.Account;
using CovidEntry.Domain.People;
using CovidEntry.Tests.Infrastructure;

namespace CovidEntry.Tests.Integration;

/// <summary>The running app with a budget of 3 Account posts a minute per client address.</summary>
public sealed class RateLimitedRunningApp : RunningApp
{
    public const int PermitsPerMinute = 3;

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Identity__SignInRateLimit__PermitsPerMinute"] = PermitsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// Sign-in rate limiting per client address. One test on purpose: the budget is the loopback
/// address's for a whole minute, so a second test in this class would start with it spent.
/// </summary>
public sealed class SignInRateLimitTests(RateLimitedRunningApp app) : IClassFixture<RateLimitedRunningApp>
{
    [Fact]
    public async Task AccountPostsOverTheBudgetAreRefusedWith429AndASentence()
    {
        var email = await app.CreatePersonAsync("Rae Rapid", Roles.Volunteer);
        using var visitor = app.NewClient();

        for (var attempt = 1; attempt <= RateLimitedRunningApp.PermitsPerMinute; attempt++)
        {
            var allowed = await visitor.SignInAsync(email, $"guess number {attempt}");
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        var refused = await visitor.SignInAsync(email, RunningApp.Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("text/plain", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(AccountRateLimiting.Message, await refused.Content.ReadAsStringAsync());
        Assert.NotNull(refused.Headers.RetryAfter?.Delta);
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        Assert.Null(visitor.SignInCookieValue);

        // Another visitor from the same address shares the budget, on any Account form.
        using var other = app.NewClient();
        var twoFactor = await other.Http.PostAsync("Account/LoginWithRecoveryCode", new FormUrlEncodedContent(new Dictionary<string, string>()));
        Assert.Equal(HttpStatusCode.TooManyRequests, twoFactor.StatusCode);

        // Reading pages, and signing out, are not limited.
        Assert.Equal(HttpStatusCode.OK, (await other.Http.GetAsync("Account/Login")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.Http.GetAsync("data")).StatusCode);
        var signOut = await other.Http.PostAsync("Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["returnUrl"] = "" }));
        Assert.NotEqual(HttpStatusCode.TooManyRequests, signOut.StatusCode);
    }
}
