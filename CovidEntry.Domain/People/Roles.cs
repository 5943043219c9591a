namespace CovidEntry.Domain.People;

public static class Roles
{
    public const string Volunteer = "Volunteer";
    public const string ShiftLead = "ShiftLead";
    public const string Admin = "Admin";

    /// <summary>Used in authorization attributes: leads and admins (an admin can do everything).</summary>
    public const string LeadOrAdmin = ShiftLead + "," + Admin;

    public static readonly IReadOnlyList<string> All = [Volunteer, ShiftLead, Admin];
}
