using CovidEntry.App;
using CovidEntry.App.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CovidEntry.Tests.Infrastructure;

/// <summary>The app's own service wiring (AddData + AddCovidEntry) on a given database, without a web server.</summary>
public static class TestApp
{
    public static WebApplication Build(string connectionString, IReadOnlyDictionary<string, string?>? settings = null)
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
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Logging.ClearProviders();
        builder.AddData();
        builder.AddCovidEntry();
        return builder.Build();
    }
}
