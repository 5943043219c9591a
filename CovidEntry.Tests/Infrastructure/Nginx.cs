using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CovidEntry.Tests.Infrastructure;

/// <summary>
/// The machine's nginx (Debian's package; test.sh installs it) in front of two app instances,
/// configured by the deployment example <c>docs/nginx-covidentry.conf</c> with its addresses
/// replaced, so the test proves the file a deployment copies.
/// </summary>
public sealed class Nginx : IAsyncDisposable
{
    /// <summary>The cookie in which nginx remembers which instance a visitor is pinned to.</summary>
    public const string InstanceCookie = "covidentry_instance";

    private readonly Process _process;
    private readonly string _directory;

    private Nginx(Process process, string directory, string baseUrl)
    {
        _process = process;
        _directory = directory;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    /// <summary>Each request nginx answered: the instances it asked ("-" when none), its cache status, the status and the request.</summary>
    public IReadOnlyList<string> AccessLog => File.Exists(Path.Combine(_directory, "access.log")) ? File.ReadAllLines(Path.Combine(_directory, "access.log")) : [];

    public string ErrorLog => File.Exists(Path.Combine(_directory, "error.log")) ? File.ReadAllText(Path.Combine(_directory, "error.log")) : "";

    public static async Task<Nginx> StartAsync(string firstInstanceUrl, string secondInstanceUrl)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"covidentry-nginx-{Guid.NewGuid():N}"[..38]);
        Directory.CreateDirectory(Path.Combine(directory, "temp"));
        var port = FreePort();
        var site = (await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "docs", "nginx-covidentry.conf")))
            .Replace("127.0.0.1:5001", new Uri(firstInstanceUrl).Authority, StringComparison.Ordinal)
            .Replace("127.0.0.1:5002", new Uri(secondInstanceUrl).Authority, StringComparison.Ordinal)
            .Replace("listen 127.0.0.1:8080;", $"listen 127.0.0.1:{port};", StringComparison.Ordinal)
            .Replace("/var/cache/nginx/covidentry", Path.Combine(directory, "cache"), StringComparison.Ordinal);
        return await StartSiteAsync(directory, port, site, workers: 1);
    }

    /// <summary>nginx serving the files of <paramref name="root"/> as static files (for the benchmark that compares the app with it).</summary>
    public static Task<Nginx> StartStaticAsync(string root, int workers)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"covidentry-nginx-{Guid.NewGuid():N}"[..38]);
        Directory.CreateDirectory(Path.Combine(directory, "temp"));
        var port = FreePort();
        var site = $$"""
            types { text/csv csv; application/json json; application/vnd.apache.parquet parquet; }
            server {
                listen 127.0.0.1:{{port}};
                root {{root}};
                sendfile on;
                tcp_nopush on;
                keepalive_requests 1000000;
                access_log off;
            }
            """;
        return StartSiteAsync(directory, port, site, workers);
    }

    private static async Task<Nginx> StartSiteAsync(string directory, int port, string site, int workers)
    {
        await File.WriteAllTextAsync(Path.Combine(directory, "covidentry.conf"), site);

        var temp = Path.Combine(directory, "temp");
        var config = new StringBuilder()
            .AppendLine("daemon off;")
            // As root, nginx would hand its workers to "nobody", who cannot use this folder.
            .AppendLine(Environment.UserName == "root" ? "user root;" : "")
            .AppendLine($"worker_processes {workers};")
            .AppendLine($"pid {directory}/nginx.pid;")
            .AppendLine($"error_log {directory}/error.log warn;")
            .AppendLine("events { worker_connections 256; }")
            .AppendLine("http {")
            // Which requests reached an instance (an address) and which nginx answered from its cache ("-").
            .AppendLine("    log_format upstreams '$upstream_addr|$upstream_cache_status|$status|$request_method $request_uri';")
            .AppendLine($"    access_log {directory}/access.log upstreams;")
            .AppendLine($"    client_body_temp_path {temp}/body;")
            .AppendLine($"    proxy_temp_path {temp}/proxy;")
            .AppendLine($"    fastcgi_temp_path {temp}/fastcgi;")
            .AppendLine($"    uwsgi_temp_path {temp}/uwsgi;")
            .AppendLine($"    scgi_temp_path {temp}/scgi;")
            .AppendLine($"    include {directory}/covidentry.conf;")
            .AppendLine("}")
            .ToString();
        await File.WriteAllTextAsync(Path.Combine(directory, "nginx.conf"), config);

        var start = new ProcessStartInfo(Executable())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-p", directory, "-c", Path.Combine(directory, "nginx.conf"), "-e", Path.Combine(directory, "error.log") })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        var nginx = new Nginx(process, directory, $"http://127.0.0.1:{port}");
        for (var waited = 0; ; waited += 100)
        {
            if (process.HasExited)
            {
                var output = await process.StandardError.ReadToEndAsync();
                await nginx.DisposeAsync();
                throw new InvalidOperationException($"nginx exited with code {process.ExitCode}: {output}\n{nginx.ErrorLog}");
            }

            if (await AcceptsAsync(port))
            {
                return nginx;
            }

            if (waited > 10_000)
            {
                await nginx.DisposeAsync();
                throw new TimeoutException($"nginx did not listen on port {port} within 10 s.");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A worker may still be closing its log; the folder is in the temp directory.
        }
    }

    /// <summary>nginx from <c>COVIDENTRY_NGINX</c>, the <c>PATH</c>, or Debian's place for it.</summary>
    private static string Executable()
    {
        if (Environment.GetEnvironmentVariable("COVIDENTRY_NGINX") is { Length: > 0 } configured)
        {
            return configured;
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "nginx"))
            .FirstOrDefault(File.Exists);
        return onPath ?? (File.Exists("/usr/sbin/nginx")
            ? "/usr/sbin/nginx"
            : throw new InvalidOperationException("nginx is not installed: run ./test.sh as root once, or apt-get install nginx (or set COVIDENTRY_NGINX)."));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
