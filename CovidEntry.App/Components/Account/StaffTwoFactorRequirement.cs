using System.Security.Claims;
using CovidEntry.App.Data;
using CovidEntry.Domain.People;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace CovidEntry.App.Components.Account;

/// <summary>
/// With Identity:RequireTwoFactorForStaff on, a shift lead or admin without an authenticator app
/// is sent to set one up before any page opens, and refused by any endpoint that needs a sign-in.
/// The Account pages stay reachable (that is where the authenticator is set up, and where one
/// signs out); public files and the framework's scripts are not affected.
/// </summary>
public static class StaffTwoFactorRequirement
{
    public const string SetupPath = "/Account/Manage/EnableAuthenticator";

    public const string Message = "Your role requires two-factor sign-in. Set up an authenticator app under Account, then try again.";

    public static bool AppliesTo(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && (user.IsInRole(Roles.ShiftLead) || user.IsInRole(Roles.Admin));

    public static IApplicationBuilder UseStaffTwoFactorRequirement(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (!context.RequestServices.GetRequiredService<IOptions<IdentitySettings>>().Value.RequireTwoFactorForStaff
                || !AppliesTo(context.User)
                || context.Request.Path.StartsWithSegments("/Account", StringComparison.OrdinalIgnoreCase)
                || context.GetEndpoint() is not { } endpoint)
            {
                await next(context);
                return;
            }

            var isPage = endpoint.Metadata.GetMetadata<ComponentTypeMetadata>() is not null;
            var needsSignIn = endpoint.Metadata.GetMetadata<IAuthorizeData>() is not null;
            if (!isPage && !needsSignIn)
            {
                await next(context);
                return;
            }

            var users = context.RequestServices.GetRequiredService<UserManager<ApplicationUser>>();
            if (await users.GetUserAsync(context.User) is not { } user || await users.GetTwoFactorEnabledAsync(user))
            {
                // An unknown user is the security-stamp check's business, not this one's.
                await next(context);
                return;
            }

            if (isPage && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)))
            {
                context.Response.Redirect(context.Request.PathBase + SetupPath);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(Message);
        });
}
