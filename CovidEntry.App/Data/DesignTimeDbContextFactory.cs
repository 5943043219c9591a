using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CovidEntry.App.Data;

/// <summary>
/// Lets `dotnet ef migrations add` build the model without running Program, which would start
/// a private PostgreSQL cluster. Adding a migration never connects, so the address is a placeholder.
/// </summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<CovidEntryDbContext>
{
    public CovidEntryDbContext CreateDbContext(string[] args)
    {
        // The Identity schema version comes from IdentityOptions, as in the running app.
        var services = new ServiceCollection()
            .Configure<IdentityOptions>(options => options.Stores.SchemaVersion = IdentitySchemaVersions.Version3)
            .BuildServiceProvider();
        return new(new DbContextOptionsBuilder<CovidEntryDbContext>()
            .UseNpgsql(Environment.GetEnvironmentVariable("ConnectionStrings__Default") ?? "Host=127.0.0.1;Database=design_time_only")
            .UseApplicationServiceProvider(services)
            .Options);
    }
}
