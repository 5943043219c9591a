using CovidEntry.App;
using CovidEntry.App.Data;
using CovidEntry.App.Features.Imports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CovidEntry.Tests.Infrastructure;

/// <summary>The app's own service wiring (AddData + AddCovidEntry) on a given database, without a web server.</summary>
public static class TestApp
{
    /// <param name="configure">Changes to the app's services after its own wiring (a test playing an attacker who rewired them).</param>
    public static WebApplication Build(string connectionString, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environments.Development,
            ApplicationName = typeof(Program).Assembly.GetName().Name,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Default"] = connectionString,

            // Tests make snapshots when they mean to, never because the clock reached 03:00.
            ["Snapshots:Enabled"] = "false",

            // Tests run captures themselves (CaptureService), so no worker races them for the jobs.
            ["Screenshots:CaptureEnabled"] = "false",
        });
        builder.Configuration.AddInMemoryCollection(TestKeys.SettingsFor(connectionString).Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Logging.ClearProviders();
        builder.AddData();
        builder.AddCovidEntry();
        configure?.Invoke(builder.Services);
        return builder.Build();
    }

    /// <summary>The setting that makes migrations run as the owner role (ConnectionStrings:Migrations).</summary>
    public static IReadOnlyDictionary<string, string?> MigrateAs(string ownerConnectionString) =>
        new Dictionary<string, string?> { ["ConnectionStrings:Migrations"] = ownerConnectionString };

    /// <summary>Imports a file in CTP's history format into the database as ./run.sh import-ctp does, and checks it was imported.</summary>
    public static async Task<ImportReport> ImportCtpAsync(string connectionString, string content, string fileName = "sample.csv")
    {
        await using var app = Build(connectionString);
        using var scope = app.Services.CreateScope();
        await using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content));
        var report = await scope.ServiceProvider.GetRequiredService<CtpImportService>().ImportAsync(stream, fileName, CtpImportService.CommandLineUser);
        Assert.True(report.Imported, string.Join("\n", ImportReportText.Lines(report)));
        return report;
    }

    /// <summary>Creates a person who can sign in with <paramref name="password"/> directly in the database; returns their email.</summary>
    public static async Task<string> CreatePersonAsync(string connectionString, string displayName, string password, params string[] roles)
    {
        await using var app = Build(connectionString);
        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var email = $"{displayName.Replace(' ', '.').ToLowerInvariant()}.{Guid.NewGuid().ToString("N")[..6]}@example.org";
        var person = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = displayName, CreatedAtUtc = DateTime.UtcNow };
        var created = await users.CreateAsync(person, password);
        Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Description)));
        Assert.True((await users.AddToRolesAsync(person, roles)).Succeeded);
        return email;
    }
}
