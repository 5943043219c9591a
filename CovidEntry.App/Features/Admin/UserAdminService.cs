using System.Text;
using CovidEntry.App.Data;
using CovidEntry.Domain;
using CovidEntry.Domain.People;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Admin;

public sealed record UserRow(string Id, string Email, string DisplayName, IReadOnlyList<string> Roles, bool HasPassword, bool LockedOut);

public sealed class UserAdminService(
    IDbContextFactory<CovidEntryDbContext> dbFactory,
    UserManager<ApplicationUser> userManager,
    TimeProvider clock,
    ILogger<UserAdminService> logger)
{
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
            u.LockoutEnd > now)).ToList();
    }

    /// <summary>Creates the account without a password and returns the path of its one-time set-password link.</summary>
    public async Task<string> InviteAsync(InviteForm form, string invitedByUserId)
    {
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
        return await SetPasswordLinkAsync(user);
    }

    /// <summary>A fresh one-time link for someone who lost theirs; any earlier link stops working once a password is set.</summary>
    public async Task<string> NewSetPasswordLinkAsync(string userId)
    {
        var user = await userManager.FindByIdAsync(userId) ?? throw new DomainException("That user no longer exists.");
        return await SetPasswordLinkAsync(user);
    }

    private async Task<string> SetPasswordLinkAsync(ApplicationUser user)
    {
        var token = await userManager.GeneratePasswordResetTokenAsync(user);
        var code = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));
        return $"Account/AcceptInvite?userId={Uri.EscapeDataString(user.Id)}&code={code}";
    }

    private static void Ensure(IdentityResult result, string action)
    {
        if (!result.Succeeded)
        {
            throw new DomainException($"Could not {action}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }
}
