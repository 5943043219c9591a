using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CovidEntry.Tests.Infrastructure;

/// <summary>
/// A webhook receiver on loopback, standing in for Slack: records every body it is sent and
/// answers 500 to the first <see cref="FailuresBeforeSuccess"/> requests.
/// </summary>
public sealed class WebhookListener : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly List<string> _bodies = [];
    private readonly Task _loop;

    public WebhookListener(int failuresBeforeSuccess = 0)
    {
        FailuresBeforeSuccess = failuresBeforeSuccess;
        Url = $"http://127.0.0.1:{FreePort()}/hook/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string Url { get; }

    public int FailuresBeforeSuccess { get; set; }

    public IReadOnlyList<string> Bodies
    {
        get
        {
            lock (_bodies)
            {
                return _bodies.ToList();
            }
        }
    }

    /// <summary>A loopback address where nothing listens: posts to it fail at once.</summary>
    public static string Nowhere() => $"http://127.0.0.1:{FreePort()}/hook/";

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (HttpListenerException)
        {
            // Stopping the listener ends the pending GetContextAsync with this exception.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            var context = await _listener.GetContextAsync();
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            int count;
            lock (_bodies)
            {
                _bodies.Add(body);
                count = _bodies.Count;
            }

            context.Response.StatusCode = count <= FailuresBeforeSuccess ? 500 : 200;
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
