using System.Security.Claims;
using CovidEntry.App.Data;
using CovidEntry.Domain.People;
using CovidEntry.Domain.Screenshots;

namespace CovidEntry.App.Features.Screenshots;

/// <summary>
/// Who may see a screenshot. The staff (anyone signed in with a role) see every one: they enter
/// and check values from them. The public sees a screenshot only as evidence of something
/// published (a published value version cites it) or once a lead approved it: a volunteer's
/// upload nobody reviewed may show anything, and stays with the staff. One rule, used by every
/// public route that serves screenshots or says anything about them.
/// </summary>
public static class ScreenshotVisibility
{
    public static IQueryable<Screenshot> PublicOnly(this IQueryable<Screenshot> screenshots, CovidEntryDbContext db) =>
        screenshots.Where(s => db.ValueVersions.Any(v => v.ScreenshotId == s.Id) || db.ScreenshotApprovals.Any(a => a.ScreenshotId == s.Id));

    public static bool IsStaff(ClaimsPrincipal? user) =>
        user?.Identity?.IsAuthenticated == true && Roles.All.Any(user.IsInRole);

    public static bool CanApprove(ClaimsPrincipal? user) =>
        user?.Identity?.IsAuthenticated == true && (user.IsInRole(Roles.ShiftLead) || user.IsInRole(Roles.Admin));
}
