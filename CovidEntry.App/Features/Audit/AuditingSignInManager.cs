using System.Security.Claims;
using CovidEntry.App.Data;
using CovidEntry.Domain.Audit;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CovidEntry.App.Features.Audit;

/// <summary>
/// Identity's sign-in manager with every sign-in, failed attempt, lockout and sign-out on the
/// audit trail (password, authenticator code and recovery code alike).
/// </summary>
public sealed class AuditingSignInManager(
    UserManager<ApplicationUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<ApplicationUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<ApplicationUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<ApplicationUser> confirmation,
    IDbContextFactory<CovidEntryDbContext> dbFactory)
    : SignInManager<ApplicationUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public override async Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure)
    {
        var user = await UserManager.FindByNameAsync(userName);
        if (user is null)
        {
            await RecordAsync(AuditAction.SignInFailed, null, userName, "password: no such account");
            return SignInResult.Failed;
        }

        return await PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure);
    }

    public override async Task<SignInResult> PasswordSignInAsync(ApplicationUser user, string password, bool isPersistent, bool lockoutOnFailure) =>
        await RecordFailureAsync(await base.PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure), user, "password");

    public override async Task<SignInResult> TwoFactorAuthenticatorSignInAsync(string code, bool isPersistent, bool rememberClient)
    {
        var user = await GetTwoFactorAuthenticationUserAsync();
        return await RecordFailureAsync(await base.TwoFactorAuthenticatorSignInAsync(code, isPersistent, rememberClient), user, "authenticator code");
    }

    public override async Task<SignInResult> TwoFactorRecoveryCodeSignInAsync(string recoveryCode)
    {
        var user = await GetTwoFactorAuthenticationUserAsync();
        return await RecordFailureAsync(await base.TwoFactorRecoveryCodeSignInAsync(recoveryCode), user, "recovery code");
    }

    /// <summary>Every successful sign-in ends here, whatever the method.</summary>
    public override async Task SignInWithClaimsAsync(ApplicationUser user, AuthenticationProperties? authenticationProperties, IEnumerable<Claim> additionalClaims)
    {
        await base.SignInWithClaimsAsync(user, authenticationProperties, additionalClaims);
        await RecordAsync(AuditAction.SignIn, user.Id, user.UserName, null);
    }

    public override async Task SignOutAsync()
    {
        var user = Context.User;
        await base.SignOutAsync();
        if (user.Identity?.IsAuthenticated == true)
        {
            await RecordAsync(AuditAction.SignOut, user.FindFirstValue(ClaimTypes.NameIdentifier), user.Identity.Name, null);
        }
    }

    private async Task<SignInResult> RecordFailureAsync(SignInResult result, ApplicationUser? user, string method)
    {
        if (result.IsLockedOut)
        {
            await RecordAsync(AuditAction.LockedOut, user?.Id, user?.UserName, method);
        }
        else if (!result.Succeeded && !result.RequiresTwoFactor && !result.IsNotAllowed)
        {
            await RecordAsync(AuditAction.SignInFailed, user?.Id, user?.UserName, method);
        }

        return result;
    }

    private async Task RecordAsync(AuditAction action, string? userId, string? userName, string? detail)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var actor = new AuditActor(userId, userName, "request:" + Context.TraceIdentifier);
        await AuditLog.RecordAsync(db, action, AuditKinds.Account, userId ?? userName,
            detail is null ? [] : [new FieldChange("method", null, detail)], actor: actor);
    }
}
