using CovidEntry.App.Data;
using CovidEntry.Domain.People;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Shared;

public sealed record UserSummary(string Id, string DisplayName, string Email);

/// <summary>Display names for the ids stored on shifts, passes and versions.</summary>
public sealed class UserDirectory(IDbContextFactory<CovidEntryDbContext> dbFactory)
{
    /// <summary>Who writes for <c>./run.sh import-ctp</c>: the person at the server's shell, not an account.</summary>
    public const string CommandLineUser = "command-line";

    public async Task<IReadOnlyDictionary<string, string>> NamesAsync(IEnumerable<string?> ids, CancellationToken cancellationToken = default)
    {
        var wanted = ids.OfType<string>().Distinct().ToList();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var names = await db.Users.Where(u => wanted.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, cancellationToken);
        if (wanted.Contains(CommandLineUser))
        {
            names[CommandLineUser] = "command line import";
        }

        return names;
    }

    public async Task<IReadOnlyList<UserSummary>> InRoleAsync(string role, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = from user in db.Users
                    join userRole in db.UserRoles on user.Id equals userRole.UserId
                    join r in db.Roles on userRole.RoleId equals r.Id
                    where r.Name == role
                    orderby user.DisplayName
                    select new UserSummary(user.Id, user.DisplayName, user.Email ?? "");

        // No Distinct: a user holds a role at most once (the user-role key), and EF Core cannot
        // translate Distinct over a constructed record, which broke the shift page.
        return await query.ToListAsync(cancellationToken);
    }

    /// <summary>Everyone who can do a pass: volunteers, and leads and admins, who may also enter data.</summary>
    public async Task<IReadOnlyList<UserSummary>> EntryPeopleAsync(CancellationToken cancellationToken = default)
    {
        var people = new Dictionary<string, UserSummary>();
        foreach (var role in Roles.All)
        {
            foreach (var user in await InRoleAsync(role, cancellationToken))
            {
                people[user.Id] = user;
            }
        }

        return people.Values.OrderBy(u => u.DisplayName).ToList();
    }
}
