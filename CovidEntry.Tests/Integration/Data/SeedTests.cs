using CovidEntry.App.Components.Account;
using CovidEntry.App.Data;
using CovidEntry.App.Data.Seeding;
using CovidEntry.Domain.Metrics;
using CovidEntry.Domain.People;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CovidEntry.Tests.Integration;

public class SeedTests : IAsyncLifetime
{
    private readonly TestDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task SeedsTheFiftySixJurisdictionsWithTheirSourcesAndTotalTestsRule()
    {
        await using var db = await _database.DbAsync();

        var jurisdictions = await db.Jurisdictions.Include(j => j.Sources).ToDictionaryAsync(j => j.Code);

        Assert.Equal(56, jurisdictions.Count);
        var ny = jurisdictions["NY"];
        Assert.Equal(("New York", "36", "totalTestEncountersViral"), (ny.Name, ny.Fips, ny.TotalTestResultsField));
        Assert.Equal("https://coronavirus.health.ny.gov/county-county-breakdown-positive-cases", ny.Sources.OrderBy(s => s.Position).First().Url);
        Assert.Equal(5, ny.Sources.Count);
        Assert.Equal("posNeg", jurisdictions["KS"].TotalTestResultsField);

        // Idaho's fifth "URL" in the source file is prose about DC: it is left out, the rest kept.
        Assert.Equal(4, jurisdictions["ID"].Sources.Count);
        Assert.All(jurisdictions.Values.SelectMany(j => j.Sources), s => Assert.StartsWith("http", s.Url));
    }

    [Fact]
    public async Task SeedsEveryRawMetricOfTheCtpHistoryFileWithItsV1Column()
    {
        await using var db = await _database.DbAsync();
        var header = File.ReadLines(Path.Combine(RepoPaths.TestData, "ctp-states-history-sample.csv")).First()
            .Split(',').Select(c => c.Trim('"')).ToHashSet();
        string[] derived = ["date", "state", "hospitalized", "positiveScore", "totalTestResults"];
        var raw = header.Where(c => !derived.Contains(c) && !c.EndsWith("Increase", StringComparison.Ordinal)).Order().ToList();

        var metrics = await db.Metrics.OrderBy(m => m.V1Column).ToListAsync();

        Assert.Equal(raw, metrics.Select(m => m.V1Column));
        Assert.Equal(MetricKind.Current, metrics.Single(m => m.Key == "hospitalizedCurrently").Kind);
        Assert.Equal(MetricKind.Cumulative, metrics.Single(m => m.Key == "death").Kind);
        Assert.Equal(metrics.Count, metrics.Select(m => m.DisplayOrder).Distinct().Count());
    }

    [Fact]
    public async Task SeedingAgainAddsNothingAndKeepsWhatAnAdminChanged()
    {
        await using (var db = await _database.DbAsync())
        {
            // An admin retired a metric; seeding must not bring it back or duplicate anything.
            await db.Database.ExecuteSqlRawAsync("UPDATE \"Metrics\" SET \"IsActive\" = false WHERE \"Key\" = 'recovered'");
        }

        var before = await CountsAsync();

        using (var scope = _database.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<DatabaseSeeder>().SeedAsync();
            await scope.ServiceProvider.GetRequiredService<DatabaseSeeder>().SeedAsync();
        }

        Assert.Equal(before, await CountsAsync());
        await using var check = await _database.DbAsync();
        Assert.False(await check.Metrics.Where(m => m.Key == "recovered").Select(m => m.IsActive).SingleAsync());
    }

    [Fact]
    public async Task TheDemoAdminIsCreatedOnceWithEveryRole()
    {
        using var scope = _database.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();

        var admins = await users.GetUsersInRoleAsync(Roles.Admin);

        var admin = Assert.Single(admins);
        Assert.Equal(DatabaseSeeder.DefaultAdminEmail, admin.Email);
        Assert.Equal(Roles.All.Order(), (await users.GetRolesAsync(admin)).Order());
        Assert.False(await users.CheckPasswordAsync(admin, ""), "the demo admin must have a real password");
        Assert.True(await PasswordChangeRequirement.AppliesToAsync(users, admin), "the demo admin's printed password must be changed at the first sign-in");
    }

    private async Task<(int Jurisdictions, int Sources, int Metrics, int Roles, int Users)> CountsAsync()
    {
        await using var db = await _database.DbAsync();
        return (
            await db.Jurisdictions.CountAsync(),
            await db.Set<CovidEntry.Domain.Jurisdictions.JurisdictionSource>().CountAsync(),
            await db.Metrics.CountAsync(),
            await db.Roles.CountAsync(),
            await db.Users.CountAsync());
    }
}
