using System.Globalization;
using System.Security.Cryptography;
using CovidEntry.App.Components.Account;
using CovidEntry.Domain.Jurisdictions;
using CovidEntry.Domain.Metrics;
using CovidEntry.Domain.People;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Data.Seeding;

/// <summary>
/// Seeds what every installation needs: roles, the metric catalog, the 56 jurisdictions and a
/// demo admin. Safe to run on every start: it adds what is missing and changes nothing an admin set.
/// </summary>
public sealed class DatabaseSeeder(
    IDbContextFactory<CovidEntryDbContext> dbFactory,
    RoleManager<IdentityRole> roleManager,
    UserManager<ApplicationUser> userManager,
    IConfiguration configuration,
    ILogger<DatabaseSeeder> logger)
{
    public const string DefaultAdminEmail = "admin@covidentry.local";

    private static readonly (string Column, string Label)[] SourceColumns =
    [
        ("covid19Site", "Primary data page"),
        ("covid19SiteSecondary", "Secondary data page"),
        ("covid19SiteTertiary", "Tertiary data page"),
        ("covid19SiteQuaternary", "Quaternary data page"),
        ("covid19SiteQuinary", "Quinary data page"),
    ];

    public async Task SeedAsync(CancellationToken cancellationToken = default)
    {
        await SeedRolesAsync();
        await SeedMetricsAsync(cancellationToken);
        await SeedJurisdictionsAsync(cancellationToken);
        await SeedDemoAdminAsync();
    }

    public static string JurisdictionsFile =>
        Path.Combine(AppContext.BaseDirectory, "Data", "Seed", "ctp-states-info.csv");

    private async Task SeedRolesAsync()
    {
        foreach (var role in Roles.All)
        {
            if (!await roleManager.RoleExistsAsync(role))
            {
                Throw(await roleManager.CreateAsync(new IdentityRole(role)), $"create role {role}");
            }
        }
    }

    private async Task SeedMetricsAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var existing = await db.Metrics.ToDictionaryAsync(m => m.Key, cancellationToken);
        foreach (var metric in CtpMetricCatalog.All.Where(m => !existing.ContainsKey(m.Key)))
        {
            db.Metrics.Add(metric);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task SeedJurisdictionsAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var existing = await db.Jurisdictions.Select(j => j.Code).ToHashSetAsync(cancellationToken);
        foreach (var jurisdiction in ReadJurisdictions(JurisdictionsFile).Where(j => !existing.Contains(j.Code)))
        {
            db.Jurisdictions.Add(jurisdiction);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Reads the COVID Tracking Project's states info file (CC BY 4.0).</summary>
    public List<Jurisdiction> ReadJurisdictions(string path)
    {
        using var reader = new StreamReader(path);
        using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture));
        csv.Read();
        csv.ReadHeader();
        var jurisdictions = new List<Jurisdiction>();
        while (csv.Read())
        {
            var code = csv.GetField("state")!;
            var jurisdiction = new Jurisdiction(
                code,
                csv.GetField("name")!,
                csv.GetField("fips")!,
                csv.GetField("covidTrackingProjectPreferredTotalTestField")!,
                NullIfBlank(csv.GetField("notes")));
            foreach (var (column, label) in SourceColumns)
            {
                var url = csv.GetField(column)?.Trim();
                if (string.IsNullOrEmpty(url))
                {
                    continue;
                }

                if (!Uri.TryCreate(url, UriKind.Absolute, out _))
                {
                    // The source file has prose in a URL column (Idaho's quinary site); keep the rest.
                    logger.LogWarning("Skipped {Column} of {Code} in the states info file: it is not a web address", column, code);
                    continue;
                }

                jurisdiction.AddSource(label, url);
            }

            jurisdictions.Add(jurisdiction);
        }

        return jurisdictions;
    }

    private async Task SeedDemoAdminAsync()
    {
        if ((await userManager.GetUsersInRoleAsync(Roles.Admin)).Count > 0)
        {
            return;
        }

        var email = configuration["Seed:AdminEmail"] ?? DefaultAdminEmail;
        var password = GeneratePassword();
        var admin = new ApplicationUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = "Demo admin",
            CreatedAtUtc = DateTime.UtcNow,
        };
        Throw(await userManager.CreateAsync(admin, password), "create the demo admin");
        Throw(await userManager.AddToRolesAsync(admin, Roles.All), "give the demo admin its roles");

        // The password was on a console: it must be changed before the admin can do anything else.
        Throw(await userManager.AddClaimAsync(admin, PasswordChangeRequirement.Claim), "mark the demo admin's password as one-time");

        // Printed once, on the console only: it is never stored anywhere readable.
        Console.WriteLine($"Demo admin created: {email}");
        Console.WriteLine($"One-time password: {password}");
        Console.WriteLine("(shown only now; the first sign-in asks for a new password before anything else)");
    }

    public static string GeneratePassword()
    {
        const string alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return string.Concat(Enumerable.Range(0, 20).Select(_ => alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)]));
    }

    private static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static void Throw(IdentityResult result, string action)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Could not {action}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
        }
    }
}
