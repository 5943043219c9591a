using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace CovidEntry.Tests.Browser;

/// <summary>
/// The real app, started from its build output as a child process on a free loopback port, the
/// way run.sh starts it, so the browser tests exercise the same Program.cs a volunteer gets.
/// </summary>
public sealed partial class AppServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _baseUrl = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AppServer(Process process)
    {
        _process = process;
    }

    public string BaseUrl { get; private set; } = "";

    /// <summary>The app's process id, to read its memory from /proc.</summary>
    public int ProcessId => _process.Id;

#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    /// <summary>Everything the app wrote so far, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts the app on <paramref name="connectionString"/>'s database; with null, on the private
    /// cluster of the data folder that <paramref name="environment"/> names (COVIDENTRY_DATA_DIR), as run.sh does.
    /// </summary>
    public static async Task<AppServer> StartAsync(string? connectionString, int port = 0, IReadOnlyDictionary<string, string>? environment = null)
    {
        var directory = RepoPaths.AppOutput(Configuration);
        var dll = Path.Combine(directory, "CovidEntry.App.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: build the solution in {Configuration} first (dotnet build CovidEntry.sln -c {Configuration}).");
        }

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        if (connectionString is not null)
        {
            start.Environment["ConnectionStrings__Default"] = connectionString;
            foreach (var (name, value) in TestKeys.SettingsFor(connectionString))
            {
                start.Environment[name.Replace(":", "__", StringComparison.Ordinal)] = value;
            }
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Snapshots__Enabled"] = "false";
        // As run.sh and the image run it (docs/decisions/016).
        start.Environment["DOTNET_GCgen0size"] = "0x4000000";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var server = new AppServer(new Process { StartInfo = start, EnableRaisingEvents = true });
        server._process.OutputDataReceived += (_, e) => server.Capture(e.Data, fromStandardOutput: true);
        server._process.ErrorDataReceived += (_, e) => server.Capture(e.Data, fromStandardOutput: false);
        server._process.Start();
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();

        // WaitForExitAsync also waits for the redirected output to end (the Exited event does not),
        // so the message holds everything the app printed before it stopped.
        _ = server._process.WaitForExitAsync().ContinueWith(
            _ => server._baseUrl.TrySetException(
                new InvalidOperationException($"The app exited with code {server._process.ExitCode} before it was ready. Its output:\n{server.Output}")),
            TaskScheduler.Default);

        try
        {
            server.BaseUrl = await server._baseUrl.Task.WaitAsync(StartTimeout);
        }
        catch (TimeoutException)
        {
            await server.DisposeAsync();
            throw new TimeoutException($"The app did not print \"CovidEntry is running at …\" within {StartTimeout.TotalSeconds:0} s. Its output:\n{server.Output}");
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>Asks the app to stop as a terminal or a service manager would (SIGTERM), and waits for it to end.</summary>
    public async Task<int> StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
        }
        catch (InvalidOperationException)
        {
            // The process never started, or is already gone: nothing left to stop.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Capture(string? line, bool fromStandardOutput)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (fromStandardOutput && RunningAt().Match(line) is { Success: true } match)
        {
            _baseUrl.TrySetResult(match.Groups["url"].Value.TrimEnd('/'));
        }
    }

    [GeneratedRegex(@"CovidEntry is running at (?<url>http://\S+)")]
    private static partial Regex RunningAt();
}
