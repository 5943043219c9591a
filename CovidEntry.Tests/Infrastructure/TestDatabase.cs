using CovidEntry.App.Data;
using CovidEntry.Domain.People;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CovidEntry.Tests.Infrastructure;

/// <summary>
/// A fresh, migrated and seeded database of its own, with the app's services on it: a clone on the
/// shared test cluster unless <paramref name="createDatabase"/> makes it elsewhere.
/// </summary>
/// <param name="configure">Changes to the app's services, e.g. a fake clock.</param>
public sealed class TestDatabase(IReadOnlyDictionary<string, string?>? settings = null, Func<Task<string>>? createDatabase = null,
    Action<IServiceCollection>? configure = null) : IAsyncLifetime
{
    private WebApplication? _app;

    public string ConnectionString { get; private set; } = "";

    public IServiceProvider Services => _app!.Services;

    public IDbContextFactory<CovidEntryDbContext> DbFactory => Services.GetRequiredService<IDbContextFactory<CovidEntryDbContext>>();

    public async Task InitializeAsync()
    {
        ConnectionString = await (createDatabase?.Invoke() ?? TestCluster.CreateDatabaseAsync("test"));
        _app = TestApp.Build(ConnectionString, settings, configure);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>Resolves a feature service in a scope of its own, as one circuit would.</summary>
    public T Get<T>() where T : notnull => Services.CreateScope().ServiceProvider.GetRequiredService<T>();

    public async Task<CovidEntryDbContext> DbAsync() => await DbFactory.CreateDbContextAsync();

    /// <summary>
    /// A context signed in as <paramref name="role"/> instead of the app's role, for a test that
    /// works on the database behind the app's back (no audit interceptor: nothing of the app's runs).
    /// </summary>
    public CovidEntryDbContext BehindTheAppsBack(DatabaseRole role = DatabaseRole.Super) =>
        new(new DbContextOptionsBuilder<CovidEntryDbContext>()
            .UseNpgsql(TestCluster.AsRole(ConnectionString, role))
            .UseApplicationServiceProvider(Services)
            .Options);

    /// <summary>
    /// Runs <paramref name="sql"/> as the app's role and as the owner of the tables, each in a
    /// transaction rolled back afterwards, and returns how the database refused each: the app's
    /// role lacks the grant, and the owner, who has every grant, is stopped by the table's trigger.
    /// </summary>
    public async Task<(Npgsql.PostgresException AsApp, Npgsql.PostgresException AsOwner)> RefusalsAsync(string sql)
    {
        async Task<Npgsql.PostgresException> As(DatabaseRole role)
        {
            await using var db = BehindTheAppsBack(role);
            await using var transaction = await db.Database.BeginTransactionAsync();
            return await Assert.ThrowsAsync<Npgsql.PostgresException>(() => db.Database.ExecuteSqlRawAsync(sql));
        }

        return (await As(DatabaseRole.App), await As(DatabaseRole.Owner));
    }

    /// <summary>Imports a file in CTP's history format through the app's import, as ./run.sh import-ctp does.</summary>
    public async Task<CovidEntry.App.Features.Imports.ImportReport> ImportCtpAsync(string content, string fileName = "sample.csv")
    {
        await using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content));
        var report = await Get<CovidEntry.App.Features.Imports.CtpImportService>().ImportAsync(
            stream, fileName, CovidEntry.App.Features.Imports.CtpImportService.CommandLineUser);
        Assert.True(report.Imported, string.Join("\n", CovidEntry.App.Features.Imports.ImportReportText.Lines(report)));
        return report;
    }

    /// <summary>The password of every person the tests create.</summary>
    public const string Password = "correct horse battery staple";

    public async Task<string> CreateUserAsync(string displayName, params string[] roles) =>
        (await CreatePersonAsync(displayName, roles)).Id;

    /// <summary>Creates a person who can sign in with <see cref="Password"/>; returns their id and email.</summary>
    public async Task<(string Id, string Email)> CreatePersonAsync(string displayName, params string[] roles)
    {
        using var scope = Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var email = $"{displayName.Replace(' ', '.').ToLowerInvariant()}.{Guid.NewGuid().ToString("N")[..8]}@example.org";
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = displayName, CreatedAtUtc = DateTime.UtcNow };
        var created = await users.CreateAsync(user, Password);
        Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Description)));
        await users.AddToRolesAsync(user, roles.Length == 0 ? [Roles.Volunteer] : roles);
        return (user.Id, email);
    }
}
