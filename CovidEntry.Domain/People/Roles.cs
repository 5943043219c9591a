namespace CovidEntry.Domain.People;

public static class Roles
{
    public const string Volunteer = "Volunteer";
    public const string ShiftLead = "ShiftLead";
    public const string Admin = "Admin";

    /// <summary>Leads and admins (an admin can do everything). Pages and endpoints name the App's authorization policies instead.</summary>
    public const string LeadOrAdmin = ShiftLead + "," + Admin;

    public static readonly IReadOnlyList<string> All = [Volunteer, ShiftLead, Admin];
}
