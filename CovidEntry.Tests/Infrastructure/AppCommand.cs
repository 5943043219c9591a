using System.Diagnostics;
using System.Text;
using CovidEntry.Tests.Browser;

namespace CovidEntry.Tests.Infrastructure;

/// <summary>The app's admin verbs (migrate, import-ctp, audit-verify) run as run.sh runs them: the built app as a process of its own.</summary>
public static class AppCommand
{
    public static async Task<(int ExitCode, string Output)> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepoPaths.AppOutput(AppServer.Configuration),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(start.WorkingDirectory, "CovidEntry.App.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Snapshots__Enabled"] = "false";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var standardOutput = process.StandardOutput.ReadToEndAsync();
        var standardError = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        output.Append(await standardOutput).Append(await standardError);
        return (process.ExitCode, output.ToString());
    }
}
