using CovidEntry.Domain.People;
using Microsoft.AspNetCore.Authorization;

namespace CovidEntry.App.Features.Access;

/// <summary>
/// One authorization policy per kind of work, named for what it lets a person do (DESIGN.md's
/// users table). Pages and endpoints name a policy, never roles, so who may do a kind of work is
/// decided here, once.
/// </summary>
public static class Policies
{
    /// <summary>Do passes: the work list and the pass form. Volunteers, and leads and admins, who may also enter data.</summary>
    public const string EnterData = nameof(EnterData);

    /// <summary>Read published history and each value's timeline, with who entered it: everyone on the project.</summary>
    public const string ReadHistory = nameof(ReadHistory);

    /// <summary>
    /// Run shifts and look after the data: shifts, reconciliation, review and publishing, edit
    /// batches, muted warnings, staleness, captures, jurisdictions, double-entry statistics.
    /// Shift leads and admins.
    /// </summary>
    public const string RunShifts = nameof(RunShifts);

    /// <summary>People, sources, imports, snapshots and (later) the audit log: admins only.</summary>
    public const string Administer = nameof(Administer);

    /// <summary>One's own account (password, two-factor, personal data): anyone signed in.</summary>
    public const string ManageOwnAccount = nameof(ManageOwnAccount);

    /// <summary>Who each policy admits, by role; <see cref="ManageOwnAccount"/> admits any signed-in person.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> RolesOf { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        [EnterData] = Roles.All,
        [ReadHistory] = Roles.All,
        [RunShifts] = [Roles.ShiftLead, Roles.Admin],
        [Administer] = [Roles.Admin],
    };

    public static void AddTo(AuthorizationBuilder authorization)
    {
        foreach (var (policy, roles) in RolesOf)
        {
            // Roles are checked on a signed-in person: an anonymous visitor is sent to sign in, not denied.
            authorization.AddPolicy(policy, p => p.RequireAuthenticatedUser().RequireRole(roles));
        }

        authorization.AddPolicy(ManageOwnAccount, p => p.RequireAuthenticatedUser());
    }
}
