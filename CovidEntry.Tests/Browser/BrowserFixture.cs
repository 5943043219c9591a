using CovidEntry.App.Data;
using CovidEntry.App.Features.Shifts;
using CovidEntry.Domain.People;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CovidEntry.Tests.Browser;

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}

/// <summary>
/// One running app on a database of its own, with a known admin, and one Chromium, shared by
/// every browser test class: starting them is most of a browser test's cost.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string AdminEmail = "ada.admin@example.org";
    public const string AdminPassword = "correct horse battery staple";

    /// <summary>
    /// Open pages recheck their sign-in every 2 s instead of every minute, so a test sees an admin's
    /// change reach them without waiting. (Every browser test signs its people in from the one
    /// loopback address; correct sign-ins use none of the address's budget.) The pages captured are
    /// served on loopback, so captures may reach private targets.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Settings = new Dictionary<string, string>
    {
        ["Screenshots__AllowPrivateTargets"] = "true",
        ["Identity__Session__RevalidateSeconds"] = "2",
        // An open work list learns of claims on this instance at once; its periodic refresh (for other
        // instances) is made too slow to hide that during a test.
        ["Claims__ListRefreshSeconds"] = "3600",
    };

    private AppServer? _app;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public string BaseUrl => _app!.BaseUrl;

    /// <summary>The app's process, to read its memory from /proc.</summary>
    public int AppProcessId => _app!.ProcessId;

    /// <summary>The app's database, for arranging what a test starts from.</summary>
    public string ConnectionString { get; private set; } = "";

    public IBrowser Browser => _browser!;

    /// <summary>What the app printed so far, to explain a failure that happened on the server.</summary>
    public string AppOutput => _app?.Output ?? "";

    public async Task InitializeAsync()
    {
        var connectionString = await TestCluster.CreateDatabaseAsync("browser");
        ConnectionString = connectionString;

        // Created before the app starts, so the admin's password is known to the tests and the
        // app's seeder sees an admin and leaves it alone.
        await CreateAdminAsync(connectionString);

        _app = await AppServer.StartAsync(connectionString, environment: Settings);
        _playwright = await Playwright.CreateAsync();
        _browser = await Chromium.LaunchAsync(_playwright);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>
    /// Stops the app the way a crash or a deploy does and starts it again on the same address,
    /// so open pages find it where they left it (after their circuits are gone).
    /// </summary>
    public async Task RestartAppAsync()
    {
        var port = new Uri(BaseUrl).Port;
        await _app!.DisposeAsync();
        _app = await AppServer.StartAsync(ConnectionString, port, Settings);
    }

    /// <summary>The app's own services on its database, to arrange what a browser test starts from.</summary>
    public WebApplication Services() => TestApp.Build(ConnectionString);

    /// <summary>Opens a shift as the admin, through the app's own service; pass 1 of each jurisdiction goes to <paramref name="firstPassEmail"/> if given.</summary>
    public async Task<ShiftDetail> OpenShiftAsync(string label, DateOnly date, string[] codes, string? firstPassEmail = null)
    {
        await using var app = Services();
        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var admin = (await users.FindByEmailAsync(AdminEmail))!;
        var shifts = scope.ServiceProvider.GetRequiredService<ShiftService>();
        var shiftId = await shifts.OpenAsync(new NewShiftForm { Label = label, DataDate = date.ToDateTime(TimeOnly.MinValue), Jurisdictions = codes }, admin.Id);
        if (firstPassEmail is not null)
        {
            var volunteer = (await users.FindByEmailAsync(firstPassEmail))!;
            foreach (var entry in (await shifts.GetAsync(shiftId))!.Entries)
            {
                await shifts.AssignAsync(shiftId, entry.EntryId, 1, volunteer.Id, admin.Id);
            }
        }

        return (await shifts.GetAsync(shiftId))!;
    }

    /// <summary>A browser context of its own (own cookies, own sign-in) for one person.</summary>
    public async Task<BrowserUser> NewUserAsync(string name, string? timeZone = null, int? width = null, int? height = null)
    {
        var options = new BrowserNewContextOptions { BaseURL = BaseUrl + "/", TimezoneId = timeZone };
        if (width is { } w)
        {
            options.ViewportSize = new ViewportSize { Width = w, Height = height ?? 844 };
        }

        var context = await Browser.NewContextAsync(options);
        return await BrowserUser.CreateAsync(name, context);
    }

    /// <summary>Creates a signed-up person directly in the app's database (a volunteer unless roles are given, as an invite always gives one); returns their email.</summary>
    public async Task<string> CreatePersonAsync(string displayName, params string[] roles)
    {
        await using var app = TestApp.Build(ConnectionString);
        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var email = $"{displayName.Replace(' ', '.').ToLowerInvariant()}@example.org";
        var person = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = displayName, CreatedAtUtc = DateTime.UtcNow };
        var created = await users.CreateAsync(person, AdminPassword);
        Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Description)));
        Assert.True((await users.AddToRolesAsync(person, roles.Length == 0 ? [Roles.Volunteer] : roles)).Succeeded);
        return email;
    }

    private static async Task CreateAdminAsync(string connectionString)
    {
        await using var app = TestApp.Build(connectionString);
        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var admin = new ApplicationUser
        {
            UserName = AdminEmail,
            Email = AdminEmail,
            EmailConfirmed = true,
            DisplayName = "Ada Admin",
            CreatedAtUtc = DateTime.UtcNow,
        };
        var created = await users.CreateAsync(admin, AdminPassword);
        Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Description)));
        var roles = await users.AddToRolesAsync(admin, Roles.All);
        Assert.True(roles.Succeeded, string.Join(" ", roles.Errors.Select(e => e.Description)));
    }
}
