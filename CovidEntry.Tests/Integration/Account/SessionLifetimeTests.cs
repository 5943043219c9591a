using System.Security.Claims;
using CovidEntry.App.Components.Account;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CovidEntry.Tests.Integration;

/// <summary>The absolute session limit: the pure rule, and the cookie events that keep and enforce the sign-in time.</summary>
public sealed class SessionLifetimeTests
{
    private static readonly DateTimeOffset SignedIn = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Limit = TimeSpan.FromHours(12);

    [Fact]
    public void ASessionYoungerThanTheLimitIsAlive() =>
        Assert.False(SessionLifetime.IsExpired(SignedIn, SignedIn.AddHours(11).AddMinutes(59), Limit));

    [Fact]
    public void ASessionExpiresTheMomentItReachesTheLimit() =>
        Assert.True(SessionLifetime.IsExpired(SignedIn, SignedIn.AddHours(12), Limit));

    [Fact]
    public void ASessionWithoutAKnownStartCountsAsExpired() =>
        Assert.True(SessionLifetime.IsExpired(null, SignedIn, Limit));

    [Fact]
    public void TheSignInTimeSurvivesFormattingAndParsing()
    {
        var local = new DateTimeOffset(2026, 11, 23, 10, 30, 15, TimeSpan.FromHours(2)).AddTicks(1234);
        Assert.Equal(local, SessionLifetime.Parse(SessionLifetime.Format(local)));
        Assert.Null(SessionLifetime.Parse("yesterday"));
        Assert.Null(SessionLifetime.Parse(null));
    }

    [Fact]
    public async Task SigningInRecordsTheTimeOnTheCookieAndThePrincipal()
    {
        var events = Events(SignedIn);
        var context = SigningIn(new AuthenticationProperties());

        await events.SigningIn(context);

        Assert.Equal(SessionLifetime.Format(SignedIn), context.Properties.GetString(SessionLifetime.SignedInAtItem));
        Assert.Equal(SignedIn, SessionLifetime.SignedInAt(context.Principal!));
    }

    [Fact]
    public async Task ARefreshedSignInKeepsTheTimeItStartedSoItCannotOutliveTheLimit()
    {
        var events = Events(SignedIn.AddHours(5));
        var properties = new AuthenticationProperties();
        properties.SetString(SessionLifetime.SignedInAtItem, SessionLifetime.Format(SignedIn));
        var context = SigningIn(properties);

        await events.SigningIn(context);

        Assert.Equal(SignedIn, SessionLifetime.SignedInAt(context.Principal!));
        Assert.Equal(SessionLifetime.Format(SignedIn), context.Properties.GetString(SessionLifetime.SignedInAtItem));
    }

    [Fact]
    public async Task ACookiePastTheLimitIsRejected()
    {
        var events = Events(SignedIn + Limit + TimeSpan.FromMinutes(1));
        var properties = new AuthenticationProperties();
        properties.SetString(SessionLifetime.SignedInAtItem, SessionLifetime.Format(SignedIn));
        var context = new CookieValidatePrincipalContext(
            HttpContextWithAuthentication(), Scheme, new CookieAuthenticationOptions(), new AuthenticationTicket(Principal(), properties, Scheme.Name));

        await events.ValidatePrincipal(context);

        Assert.Null(context.Principal);
    }

    private static readonly AuthenticationScheme Scheme = new(IdentityConstants.ApplicationScheme, null, typeof(CookieAuthenticationHandler));

    private static SessionCookieEvents Events(DateTimeOffset now) =>
        new(new FixedClock(now), Options.Create(new IdentitySettings()), NullLogger<SessionCookieEvents>.Instance);

    private static CookieSigningInContext SigningIn(AuthenticationProperties properties) =>
        new(new DefaultHttpContext(), Scheme, new CookieAuthenticationOptions(), Principal(), properties, new CookieOptions());

    private static ClaimsPrincipal Principal() =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "user-1")], IdentityConstants.ApplicationScheme));

    /// <summary>Signing out needs the authentication services; the cookie handler alone is enough.</summary>
    private static DefaultHttpContext HttpContextWithAuthentication()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDataProtection();
        services.AddAuthentication().AddCookie(IdentityConstants.ApplicationScheme);
        return new DefaultHttpContext { RequestServices = services.BuildServiceProvider() };
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
