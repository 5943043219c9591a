using System.Text;
using CovidEntry.App.Components.Account;
using CovidEntry.App.Data;
using CovidEntry.App.Features.Access;
using CovidEntry.Domain;
using CovidEntry.Domain.People;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Admin;

public sealed record UserRow(
    string Id, string Email, string DisplayName, IReadOnlyList<string> Roles, bool HasPassword, bool LockedOut, bool Disabled, bool TwoFactor,
    DateTime CreatedAtUtc = default)
{
    /// <summary>Invited, and has not chosen a password yet.</summary>
    public bool Pending => !HasPassword && !Disabled;
}

/// <summary>A person's one-time set-password link (the path under the app's address), and who made it, by name.</summary>
public sealed record InviteLink(string UserId, string Path, string MadeBy);

public sealed class UserAdminService(
    IDbContextFactory<CovidEntryDbContext> dbFactory,
    UserManager<ApplicationUser> userManager,
    ActingPerson acting,
    SignInSessionStore sessions,
    TimeProvider clock,
    ILogger<UserAdminService> logger)
{
    /// <summary>
    /// A disabled account is one locked out for good: Identity's sign-in already refuses it, and
    /// no new column is needed. Enabling clears the lockout.
    /// </summary>
    private static readonly DateTimeOffset DisabledUntil = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public async Task<IReadOnlyList<UserRow>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var roles = await (from userRole in db.UserRoles
                           join role in db.Roles on userRole.RoleId equals role.Id
                           select new { userRole.UserId, role.Name }).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var users = await db.Users.OrderBy(u => u.DisplayName).ToListAsync(cancellationToken);
        return users.Select(u => new UserRow(
            u.Id,
            u.Email ?? "",
            u.DisplayName,
            roles.Where(r => r.UserId == u.Id).Select(r => r.Name!).Order().ToList(),
            u.PasswordHash is not null,
            u.LockoutEnd > now,
            IsDisabled(u, now),
            u.TwoFactorEnabled,
            u.CreatedAtUtc)).ToList();
    }

    /// <summary>Creates the account without a password; returns its one-time set-password link.</summary>
    public async Task<InviteLink> InviteAsync(InviteForm form, string invitedByUserId)
    {
        await acting.EnsureAsync(invitedByUserId, Policies.Administer);
        var email = form.Email.Trim();
        var user = new ApplicationUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = form.DisplayName.Trim(),
            CreatedAtUtc = clock.GetUtcNow().UtcDateTime,
        };
        var roles = new[] { (form.Volunteer, Roles.Volunteer), (form.ShiftLead, Roles.ShiftLead), (form.Admin, Roles.Admin) }
            .Where(r => r.Item1).Select(r => r.Item2).ToList();

        Ensure(await userManager.CreateAsync(user), "create the account");
        Ensure(await userManager.AddToRolesAsync(user, roles), "give the roles");
        logger.LogInformation("User {InvitedUserId} invited by {UserId} with roles {Roles}", user.Id, invitedByUserId, roles);
        return await SetPasswordLinkAsync(user, invitedByUserId);
    }

    /// <summary>A fresh one-time link for someone who lost theirs; any earlier link stops working once a password is set.</summary>
    public async Task<InviteLink> NewSetPasswordLinkAsync(string userId, string requestedByUserId)
    {
        await acting.EnsureAsync(requestedByUserId, Policies.Administer);
        var user = await userManager.FindByIdAsync(userId) ?? throw new DomainException("That user no longer exists.");
        return await SetPasswordLinkAsync(user, requestedByUserId);
    }

    /// <summary>
    /// Gives the person exactly these roles and signs them out everywhere: their sessions end at once
    /// (their next request is sent to sign in, and open pages on this instance leave), and a new
    /// security stamp ends what remains elsewhere. Until then, every service refuses what the new
    /// roles do not allow (<see cref="ActingPerson"/>).
    /// </summary>
    public async Task SetRolesAsync(string userId, IReadOnlyCollection<string> roles, string changedByUserId)
    {
        await acting.EnsureAsync(changedByUserId, Policies.Administer);
        if (roles.Count == 0)
        {
            throw new DomainException("Give the person at least one role.");
        }

        if (roles.Except(Roles.All).FirstOrDefault() is { } unknown)
        {
            throw new DomainException($"There is no role called {unknown}.");
        }

        if (userId == changedByUserId && !roles.Contains(Roles.Admin))
        {
            throw new DomainException("You cannot take away your own admin role. Ask another admin to do it.");
        }

        var user = await userManager.FindByIdAsync(userId) ?? throw new DomainException("That user no longer exists.");
        var current = await userManager.GetRolesAsync(user);
        var removed = current.Except(roles).ToList();
        var added = roles.Except(current).ToList();
        if (removed.Count == 0 && added.Count == 0)
        {
            return;
        }

        Ensure(await userManager.RemoveFromRolesAsync(user, removed), "take away the roles");
        Ensure(await userManager.AddToRolesAsync(user, added), "give the roles");
        Ensure(await userManager.UpdateSecurityStampAsync(user), "sign the person out everywhere");
        await sessions.EndAllAsync(user.Id);
        logger.LogInformation("Roles of user {ChangedUserId} changed by {UserId}: added {Added}, removed {Removed}; signed out everywhere",
            user.Id, changedByUserId, added, removed);
    }

    /// <summary>Stops the person signing in and signs them out everywhere; their work and records stay.</summary>
    public async Task DisableAsync(string userId, string disabledByUserId)
    {
        await acting.EnsureAsync(disabledByUserId, Policies.Administer);
        if (userId == disabledByUserId)
        {
            throw new DomainException("You cannot disable your own account. Ask another admin to do it.");
        }

        var user = await userManager.FindByIdAsync(userId) ?? throw new DomainException("That user no longer exists.");
        Ensure(await userManager.SetLockoutEnabledAsync(user, true), "disable the account");
        Ensure(await userManager.SetLockoutEndDateAsync(user, DisabledUntil), "disable the account");
        Ensure(await userManager.UpdateSecurityStampAsync(user), "sign the person out everywhere");
        await sessions.EndAllAsync(user.Id);
        logger.LogInformation("User {DisabledUserId} disabled by {UserId}; signed out everywhere", user.Id, disabledByUserId);
    }

    /// <summary>Lets a disabled or locked-out person sign in again.</summary>
    public async Task EnableAsync(string userId, string enabledByUserId)
    {
        await acting.EnsureAsync(enabledByUserId, Policies.Administer);
        var user = await userManager.FindByIdAsync(userId) ?? throw new DomainException("That user no longer exists.");
        if (await userManager.GetLockoutEnabledAsync(user))
        {
            Ensure(await userManager.SetLockoutEndDateAsync(user, null), "enable the account");
        }

        Ensure(await userManager.ResetAccessFailedCountAsync(user), "enable the account");
        logger.LogInformation("User {EnabledUserId} enabled by {UserId}", user.Id, enabledByUserId);
    }

    private static bool IsDisabled(ApplicationUser user, DateTimeOffset now) => user.LockoutEnd > now.AddYears(100);

    private async Task<InviteLink> SetPasswordLinkAsync(ApplicationUser user, string byUserId)
    {
        var token = await userManager.GeneratePasswordResetTokenAsync(user);
        var code = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));
        var by = await userManager.FindByIdAsync(byUserId);
        return new InviteLink(user.Id, $"Account/AcceptInvite?userId={Uri.EscapeDataString(user.Id)}&code={code}", by?.DisplayName ?? "An admin");
    }

    private static void Ensure(IdentityResult result, string action)
    {
        if (!result.Succeeded)
        {
            throw new DomainException($"Could not {action}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }
}
