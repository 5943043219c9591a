using System.Diagnostics;

namespace CovidEntry.Tests.Infrastructure;

/// <summary>Runs commands in bash as a person would type them, in a folder of the test's.</summary>
public static class Shell
{
    /// <summary>
    /// Runs <paramref name="script"/> with <c>set -euo pipefail</c> (or, with <paramref name="stopAtFirstFailure"/>
    /// false, on past a failed command, as a person might); returns its exit code and its output and errors together, in order.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, string script, bool stopAtFirstFailure = true)
    {
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec 2>&1\n" + (stopAtFirstFailure ? "set -euo pipefail\n" : "") + script);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await output);
    }
}
