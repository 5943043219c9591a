using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace CovidEntry.App.Components.Account;

/// <summary>
/// The sign-in cookie's events: record when a sign-in was made, refuse a cookie older than the
/// absolute session limit, then check the security stamp as Identity does by default (so a
/// disabled person or a role change signs that person out everywhere).
/// </summary>
public sealed class SessionCookieEvents(
    TimeProvider clock,
    IOptions<IdentitySettings> settings,
    ILogger<SessionCookieEvents> logger) : CookieAuthenticationEvents
{
    public override Task SigningIn(CookieSigningInContext context)
    {
        // A refresh (password changed, authenticator set up) signs in again with the same
        // properties: the session keeps the time it started, so a refresh cannot extend it.
        var signedInAt = SessionLifetime.Parse(context.Properties.GetString(SessionLifetime.SignedInAtItem))
            ?? clock.GetUtcNow();
        context.Properties.SetString(SessionLifetime.SignedInAtItem, SessionLifetime.Format(signedInAt));
        if (context.Principal is { } principal)
        {
            SessionLifetime.Stamp(principal, signedInAt);
        }

        return base.SigningIn(context);
    }

    /// <summary>
    /// The cookie handler would send someone to a <c>ReturnUrl</c> from the query string after signing
    /// in or out on the login and logout paths, checking only that it starts with one slash (a path
    /// with a character Kestrel cannot write into a header was a 500). The pages redirect themselves,
    /// through <see cref="LocalUrl"/>; the handler does not.
    /// </summary>
    public override Task RedirectToReturnUrl(RedirectContext<CookieAuthenticationOptions> context) => Task.CompletedTask;

    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        var signedInAt = SessionLifetime.Parse(context.Properties.GetString(SessionLifetime.SignedInAtItem));
        if (SessionLifetime.IsExpired(signedInAt, clock.GetUtcNow(), settings.Value.Session.Absolute))
        {
            logger.LogInformation("Session of user {UserId} signed in at {SignedInAt} passed the absolute limit; signing out",
                context.Principal?.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value, signedInAt);
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
            return;
        }

        var userId = context.Principal?.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value;
        var session = context.Principal?.FindFirst(SignInSessionStore.SessionClaim)?.Value;
        await SecurityStampValidator.ValidatePrincipalAsync(context);

        // The stamp check may have replaced the principal with one rebuilt from the database, which
        // knows neither when the session started nor which server-side session it is.
        if (context.Principal is { } principal)
        {
            SessionLifetime.Stamp(principal, signedInAt!.Value);
            if (session is not null && !principal.HasClaim(c => c.Type == SignInSessionStore.SessionClaim)
                && principal.Identity is System.Security.Claims.ClaimsIdentity identity)
            {
                identity.AddClaim(new System.Security.Claims.Claim(SignInSessionStore.SessionClaim, session));
            }
        }
        else
        {
            logger.LogInformation("Sign-in of user {UserId} ended: disabled, roles or password changed, or signed out everywhere", userId);
        }
    }
}
