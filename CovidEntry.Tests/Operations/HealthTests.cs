using System.Net;
using CovidEntry.App.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace CovidEntry.Tests.Operations;

/// <summary>
/// Liveness says the process answers; readiness says this instance can serve: its database answers
/// and has every migration the build expects (an instance on an older schema must take no traffic).
/// </summary>
public class HealthTests : IAsyncLifetime
{
    private string _connectionString = "";
    private InProcessApp _app = null!;

    public async Task InitializeAsync()
    {
        _connectionString = await TestCluster.CreateDatabaseAsync("health");
        _app = await InProcessApp.StartAsync(_connectionString);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task ReadinessIsRedWithTheMigrationToApplyWhileOneIsMissingAndLivenessStaysGreen()
    {
        using var http = _app.NewClient();
        Assert.Equal((HttpStatusCode.OK, "Healthy"), await GetAsync(http, "/healthz/ready"));

        // Migrations run as the owner of the tables, as `./run.sh migrate` does.
        var owner = TestCluster.AsRole(_connectionString, DatabaseRole.Owner);
        await using var db = new CovidEntryDbContext(new DbContextOptionsBuilder<CovidEntryDbContext>()
            .UseNpgsql(owner).UseApplicationServiceProvider(_app.Services).Options);
        var migrations = db.Database.GetMigrations().ToList();

        // As if a newer release's migration had not been run yet (the baseline itself while it is the only one).
        await db.GetService<IMigrator>().MigrateAsync(migrations.Count > 1 ? migrations[^2] : Migration.InitialDatabase);
        var (status, body) = await GetAsync(http, "/healthz/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal($"Unhealthy\n1 migration(s) not applied, the first {migrations[^1]}: run ./run.sh migrate.", body);
        Assert.Equal((HttpStatusCode.OK, "Healthy"), await GetAsync(http, "/healthz"));

        await DatabaseRoles.MigrateAsync(_app.Services, owner, _connectionString);
        Assert.Equal((HttpStatusCode.OK, "Healthy"), await GetAsync(http, "/healthz/ready"));
    }

    private static async Task<(HttpStatusCode, string)> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
