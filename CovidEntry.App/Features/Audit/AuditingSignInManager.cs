using System.Security.Claims;
using CovidEntry.App.Components.Account;
using CovidEntry.App.Data;
using CovidEntry.Domain.Audit;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CovidEntry.App.Features.Audit;

/// <summary>
/// Identity's sign-in manager, made safe to face the internet: every password, authenticator code,
/// recovery code and passkey attempt goes through <see cref="SignInThrottle"/> first; an attempt on
/// an account that does not exist, has no password yet or is disabled checks the password against
/// a stand-in hash and gets the very answer a wrong password gets (no account can be discovered,
/// by answer or by time); and every sign-in, failure and sign-out is on the audit trail, which
/// never holds the name typed for an unknown account, only its hash and a neutralised outline.
/// </summary>
public sealed class AuditingSignInManager(
    UserManager<ApplicationUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<ApplicationUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<ApplicationUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<ApplicationUser> confirmation,
    IDbContextFactory<CovidEntryDbContext> dbFactory,
    SignInThrottle throttle,
    SignInDevices devices,
    SignInSessionStore sessions,
    MeteredPasswordHasher hasher)
    : SignInManager<ApplicationUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public override async Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure)
    {
        var accountKey = SignInAccount.Key(UserManager.NormalizeName(userName) ?? "");
        var attempt = await throttle.BeginAsync(accountKey, Context);
        if (attempt.Refusal is { } refusal)
        {
            return new ThrottledSignInResult(refusal);
        }

        var user = await UserManager.FindByNameAsync(userName);
        if (user is null)
        {
            hasher.VerifyStandIn(password);
            await RecordAsync(AuditAction.SignInFailed, null, null, SignInAccount.UnknownKey(accountKey),
                [new FieldChange("method", null, "password: no such account"), new FieldChange("name tried", null, SignInAccount.Describe(userName))]);
            return SignInResult.Failed;
        }

        return await PasswordSignInAsync(user, password, isPersistent, attempt);
    }

    public override async Task<SignInResult> PasswordSignInAsync(ApplicationUser user, string password, bool isPersistent, bool lockoutOnFailure)
    {
        var attempt = await throttle.BeginAsync(AccountKeyOf(user), Context);
        return attempt.Refusal is { } refusal
            ? new ThrottledSignInResult(refusal)
            : await PasswordSignInAsync(user, password, isPersistent, attempt);
    }

    public override async Task<SignInResult> TwoFactorAuthenticatorSignInAsync(string code, bool isPersistent, bool rememberClient)
    {
        var user = await GetTwoFactorAuthenticationUserAsync();
        if (user is null)
        {
            return SignInResult.Failed;
        }

        var attempt = await throttle.BeginAsync(AccountKeyOf(user), Context);
        if (attempt.Refusal is { } refusal)
        {
            return new ThrottledSignInResult(refusal);
        }

        return await SettleAsync(await base.TwoFactorAuthenticatorSignInAsync(code, isPersistent, rememberClient), user, "authenticator code", attempt);
    }

    public override async Task<SignInResult> TwoFactorRecoveryCodeSignInAsync(string recoveryCode)
    {
        var user = await GetTwoFactorAuthenticationUserAsync();
        if (user is null)
        {
            return SignInResult.Failed;
        }

        var attempt = await throttle.BeginAsync(AccountKeyOf(user), Context);
        if (attempt.Refusal is { } refusal)
        {
            return new ThrottledSignInResult(refusal);
        }

        return await SettleAsync(await base.TwoFactorRecoveryCodeSignInAsync(recoveryCode), user, "recovery code", attempt);
    }

    /// <summary>A passkey names no account until it is checked: it counts against its address only.</summary>
    public override async Task<SignInResult> PasskeySignInAsync(string credentialJson)
    {
        var attempt = await throttle.BeginAsync(null, Context);
        if (attempt.Refusal is { } refusal)
        {
            return new ThrottledSignInResult(refusal);
        }

        return await SettleAsync(await base.PasskeySignInAsync(credentialJson), null, "passkey", attempt);
    }

    /// <summary>Every successful sign-in ends here, whatever the method: the browser becomes a known one for the account.</summary>
    public override async Task SignInWithClaimsAsync(ApplicationUser user, AuthenticationProperties? authenticationProperties, IEnumerable<Claim> additionalClaims)
    {
        await base.SignInWithClaimsAsync(user, authenticationProperties, additionalClaims);
        devices.Issue(Context, AccountKeyOf(user));

        // Signing in again in the same browser ends the session it had (and its open pages).
        if (SignInSessionStore.ReplacedSession(Context) is { } previous)
        {
            await sessions.RemoveAsync(previous, Context.RequestAborted);
        }

        await RecordAsync(AuditAction.SignIn, user.Id, user.UserName, user.Id, []);
    }

    public override async Task SignOutAsync()
    {
        var user = Context.User;
        await base.SignOutAsync();
        if (user.Identity?.IsAuthenticated == true)
        {
            var userId = user.FindFirstValue(ClaimTypes.NameIdentifier);
            await RecordAsync(AuditAction.SignOut, userId, user.Identity.Name, userId, []);
        }
    }

    private async Task<SignInResult> PasswordSignInAsync(ApplicationUser user, string password, bool isPersistent, SignInAttempt attempt)
    {
        if (user.PasswordHash is null || await IsLockedOut(user) || !await CanSignInAsync(user))
        {
            // Invited but no password yet, or disabled by an admin: the same work and the same
            // answer as a wrong password, so neither state can be told from outside.
            hasher.VerifyStandIn(password);
            await RecordAsync(AuditAction.SignInFailed, user.Id, user.UserName, user.Id,
                [new FieldChange("method", null, user.PasswordHash is null ? "password: no password set yet" : "password: account cannot sign in (disabled)")]);
            return SignInResult.Failed;
        }

        // Identity's own lockout is not the throttle (an outsider could hold it against the person).
        return await SettleAsync(await base.PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure: false), user, "password", attempt);
    }

    /// <summary>Takes back a correct attempt's count, or records the failure; a locked-out (disabled) account answers as a failure.</summary>
    private async Task<SignInResult> SettleAsync(SignInResult result, ApplicationUser? user, string method, SignInAttempt attempt)
    {
        if (result.Succeeded || result.RequiresTwoFactor)
        {
            await attempt.SucceededAsync();
            return result;
        }

        var detail = result.IsLockedOut || result.IsNotAllowed ? method + ": account cannot sign in (disabled)" : method;
        await RecordAsync(AuditAction.SignInFailed, user?.Id, user?.UserName, user?.Id ?? "unknown:passkey", [new FieldChange("method", null, detail)]);
        return SignInResult.Failed;
    }

    private byte[] AccountKeyOf(ApplicationUser user) =>
        SignInAccount.Key(user.NormalizedUserName ?? UserManager.NormalizeName(user.UserName) ?? "");

    private async Task RecordAsync(AuditAction action, string? userId, string? userName, string? entityKey, IReadOnlyList<FieldChange> details)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var actor = new AuditActor(userId, userName, "request:" + Context.TraceIdentifier);
        await AuditLog.RecordAsync(db, action, AuditKinds.Account, entityKey, details, actor: actor);
    }
}
