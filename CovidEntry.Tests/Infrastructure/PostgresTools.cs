using System.Diagnostics;
using CovidEntry.App.Data;
using Npgsql;

namespace CovidEntry.Tests.Infrastructure;

/// <summary>PostgreSQL's own tools (pg_dump, pg_restore, psql), run against a test cluster.</summary>
internal static class PostgresTools
{
    /// <summary>
    /// Runs a tool and returns what it printed; fails the test with its errors if it fails. The
    /// password goes in its environment, where other accounts cannot read it (a command line they can).
    /// </summary>
    public static async Task<string> RunAsync(string tool, string arguments, string connectionString)
    {
        var start = new ProcessStartInfo(Path.Combine(LocalPostgres.FindBinDirectory(), tool), arguments)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.Environment["PGPASSWORD"] = new NpgsqlConnectionStringBuilder(connectionString).Password;
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{tool} failed: {await error}");
        return output;
    }

    /// <summary>An Npgsql connection string as a libpq one, for pg_dump, pg_restore and psql.</summary>
    public static string ToLibpq(this string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"host={builder.Host} port={builder.Port} dbname={builder.Database} user={builder.Username}";
    }
}
