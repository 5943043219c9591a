using CovidEntry.App.Data;
using CovidEntry.App.Shared;
using CovidEntry.Domain;
using CovidEntry.Domain.People;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Features.Access;

/// <summary>
/// The check every service makes before it acts for someone: does this person, as the database
/// knows them right now, still hold a role the kind of work needs (<see cref="Policies"/>), and are
/// they not disabled? Pages check a policy when they are drawn, but a page stays open for hours:
/// a role taken away, or an account disabled, must stop the very next thing the person does, on
/// every instance, not only once the page rechecks its sign-in. Refusals are a
/// <see cref="DomainException"/> with a sentence, which every page already shows.
/// </summary>
public sealed class ActingPerson(IDbContextFactory<CovidEntryDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>Refuses unless <paramref name="userId"/> may do the work of <paramref name="policy"/> now; returns their roles.</summary>
    public async Task<IReadOnlyList<string>> EnsureAsync(string? userId, string policy, CancellationToken cancellationToken = default)
    {
        if (userId == UserDirectory.CommandLineUser)
        {
            // ./run.sh import-ctp: the person at the server's shell, who holds the database already.
            return [Roles.Admin];
        }

        if (string.IsNullOrEmpty(userId))
        {
            throw new DomainException("Sign in to do this.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var person = await db.Users.AsNoTracking()
            .Where(u => u.Id == userId)
            .Select(u => new
            {
                u.LockoutEnabled,
                u.LockoutEnd,
                Roles = (from userRole in db.UserRoles
                         join role in db.Roles on userRole.RoleId equals role.Id
                         where userRole.UserId == u.Id
                         select role.Name).ToList(),
            })
            .SingleOrDefaultAsync(cancellationToken);
        if (person is null)
        {
            throw new DomainException("Your account no longer exists, so this was not done.");
        }

        // A disabled account is one locked out until 9999 (UserAdminService); the sign-in throttle
        // never locks anyone out, so any lockout in force means the account may not act.
        if (person.LockoutEnabled && person.LockoutEnd > clock.GetUtcNow())
        {
            throw new DomainException("Your account has been disabled, so this was not done. Ask an admin of your project.");
        }

        var roles = person.Roles.OfType<string>().ToList();
        if (Policies.RolesOf.TryGetValue(policy, out var allowed) && !roles.Any(allowed.Contains))
        {
            throw new DomainException(
                $"Only {Who(allowed)} can do this, and your roles have changed, so it was not done. Reload the page to see what you can do now.");
        }

        return roles;
    }

    private static string Who(IReadOnlyList<string> roles) =>
        roles.Contains(Roles.ShiftLead) ? "shift leads and admins" : roles.Contains(Roles.Admin) && roles.Count == 1 ? "admins" : "people on the project";
}
