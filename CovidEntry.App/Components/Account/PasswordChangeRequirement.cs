using System.Security.Claims;
using CovidEntry.App.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Identity;

namespace CovidEntry.App.Components.Account;

/// <summary>
/// A person whose password was made for them (the demo admin's one-time password, printed on the
/// console) changes it at the first sign-in, before anything else: every page sends them to the
/// change-password page, and every endpoint that needs a sign-in (the interactive pages' hub
/// included) refuses them, until it is changed. Marked by a claim on the user, so it comes with
/// the sign-in and costs an ordinary request nothing; removing it is a row change, audited.
/// </summary>
public static class PasswordChangeRequirement
{
    public const string ClaimType = "covidentry:password-change-required";

    public const string ChangePath = "/Account/Manage/ChangePassword";

    public const string Message = "Change the one-time password you signed in with first (Account > Password), then try again.";

    public static Claim Claim => new(ClaimType, "true");

    /// <summary>What stays reachable meanwhile: changing the password, signing out, signing in as someone else.</summary>
    private static readonly string[] Allowed = [ChangePath, "/Account/Logout", "/Account/Login", "/Account/KeepAlive"];

    public static async Task<bool> AppliesToAsync(UserManager<ApplicationUser> users, ApplicationUser user) =>
        (await users.GetClaimsAsync(user)).Any(c => c.Type == ClaimType);

    /// <summary>Changed: the mark goes, and the sign-in is renewed without it.</summary>
    public static async Task ChangedAsync(UserManager<ApplicationUser> users, SignInManager<ApplicationUser> signIn, ApplicationUser user)
    {
        foreach (var claim in (await users.GetClaimsAsync(user)).Where(c => c.Type == ClaimType))
        {
            var removed = await users.RemoveClaimAsync(user, claim);
            if (!removed.Succeeded)
            {
                throw new InvalidOperationException($"Could not clear the password-change mark: {string.Join(" ", removed.Errors.Select(e => e.Description))}");
            }
        }

        await signIn.RefreshSignInAsync(user);
    }

    public static IApplicationBuilder UsePasswordChangeRequirement(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (context.User.Identity?.IsAuthenticated != true
                || !context.User.HasClaim(ClaimType, "true")
                || Allowed.Any(path => context.Request.Path.StartsWithSegments(path, StringComparison.OrdinalIgnoreCase)))
            {
                await next(context);
                return;
            }

            var hub = context.Request.Path.StartsWithSegments("/_blazor", StringComparison.OrdinalIgnoreCase);
            var endpoint = context.GetEndpoint();
            var isPage = endpoint?.Metadata.GetMetadata<ComponentTypeMetadata>() is not null;
            var needsSignIn = endpoint?.Metadata.GetMetadata<IAuthorizeData>() is not null;
            if (!hub && !isPage && !needsSignIn)
            {
                // Public files, the framework's scripts, styles.
                await next(context);
                return;
            }

            // The sign-in carries the mark as it was at sign-in: a password changed since (in
            // another window) lets the request through.
            var users = context.RequestServices.GetRequiredService<UserManager<ApplicationUser>>();
            if (await users.GetUserAsync(context.User) is not { } user || !await AppliesToAsync(users, user))
            {
                await next(context);
                return;
            }

            if (isPage && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)))
            {
                context.Response.Redirect(context.Request.PathBase + ChangePath);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(Message);
        });
}
