using Microsoft.AspNetCore.Identity;

namespace CovidEntry.App.Data;

public class ApplicationUser : IdentityUser
{
    public const int DisplayNameMaxLength = 100;

    /// <summary>The name leads and admins see in assignments and on record.</summary>
    public string DisplayName { get; set; } = "";

    public DateTime CreatedAtUtc { get; set; }
}
