using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace CovidEntry.App.Features.Screenshots;

/// <summary>
/// The only way out for the capture browser: a small HTTP forward proxy on 127.0.0.1 that Chromium
/// must use for every request (the page, its redirects, frames, images, scripts, fetches and
/// WebSockets; loopback included). For each request it resolves the host itself, checks every
/// address (<see cref="CaptureTargets"/>) and connects to a checked address, never to the name, so
/// what Chromium reaches is exactly what was judged, however DNS answers a moment later. HTTPS and
/// WebSockets come as CONNECT (the tunnel is opened only to a checked address), plain HTTP in
/// absolute form (sent on with <c>Connection: close</c>, so one connection carries one request to
/// one checked host). Each capture gets a session with a random credential: nothing else on the
/// machine can use the proxy as a relay, and every refusal is pinned on the capture that caused it.
/// </summary>
public sealed class CaptureProxy(CaptureTargets targets, ILogger<CaptureProxy> logger) : IAsyncDisposable
{
    private const int MaxHeadBytes = 64 * 1024;
    private const string Realm = "CovidEntry capture";
    private static readonly TimeSpan HeadTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

    private readonly ConcurrentDictionary<string, ProxySession> _sessions = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private TcpListener? _listener;
    private Task? _accepting;

    /// <summary>Like <c>http://127.0.0.1:41234</c>; the proxy starts listening on first use.</summary>
    public string Address
    {
        get
        {
            EnsureListening();
            return $"http://127.0.0.1:{((IPEndPoint)_listener!.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture)}";
        }
    }

    /// <summary>A session for one capture: its own credential, and what it was refused.</summary>
    public ProxySession OpenSession()
    {
        EnsureListening();
        var session = new ProxySession(this, "capture-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)));
        _sessions[session.Credential] = session;
        return session;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener?.Stop();
        if (_accepting is not null)
        {
            await _accepting.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        foreach (var session in _sessions.Values)
        {
            session.Dispose();
        }

        _stop.Dispose();
    }

    internal void Close(ProxySession session) => _sessions.TryRemove(session.Credential, out _);

    private void EnsureListening()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stop.IsCancellationRequested, this);
            if (_listener is not null)
            {
                return;
            }

            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            _listener = listener;
            _accepting = Task.Run(() => AcceptAsync(listener));
        }
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException && _stop.IsCancellationRequested)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using var _ = client;
        ProxySession? session = null;
        try
        {
            using var reading = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            reading.CancelAfter(HeadTimeout);
            await using var stream = new NetworkStream(client, ownsSocket: false);
            var head = await RequestHead.ReadAsync(stream, MaxHeadBytes, reading.Token);
            if (head is null)
            {
                return;
            }

            session = Authenticate(head);
            if (session is null)
            {
                await RespondAsync(stream, "407 Proxy Authentication Required", $"Proxy-Authenticate: Basic realm=\"{Realm}\"\r\n", reading.Token);
                return;
            }

            using var connection = session.Track(client);
            var work = connection.Token;
            if (head.Method == "CONNECT")
            {
                await TunnelAsync(session, head, stream, work);
            }
            else
            {
                await ForwardAsync(session, head, stream, work);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The browser or the site hung up, the capture ended, or the app is stopping.
            logger.LogDebug(e, "A capture proxy connection ended early ({Session}).", session?.User);
        }
    }

    private ProxySession? Authenticate(RequestHead head)
    {
        var value = head.Header("Proxy-Authorization");
        if (value is null || !value.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string credential;
        try
        {
            credential = Encoding.UTF8.GetString(Convert.FromBase64String(value[6..].Trim()));
        }
        catch (FormatException)
        {
            return null;
        }

        return _sessions.TryGetValue(credential, out var session) && !session.IsClosed ? session : null;
    }

    /// <summary>CONNECT host:port (HTTPS, WebSockets): a tunnel to a checked address, or a refusal.</summary>
    private async Task TunnelAsync(ProxySession session, RequestHead head, NetworkStream client, CancellationToken work)
    {
        if (!TrySplitAuthority(head.Target, out var host, out var port))
        {
            await RespondAsync(client, "400 Bad Request", "", work);
            return;
        }

        var shown = $"https://{head.Target}/";
        var upstream = await ConnectCheckedAsync(session, host, port, shown, client, work);
        if (upstream is null)
        {
            return;
        }

        using (upstream)
        {
            await client.WriteAsync("HTTP/1.1 200 Connection Established\r\n\r\n"u8.ToArray(), work);
            await using var server = new NetworkStream(upstream, ownsSocket: false);
            if (head.Leftover.Length > 0)
            {
                await server.WriteAsync(head.Leftover, work);
            }

            await PipeAsync(client, server, work);
        }
    }

    /// <summary>GET http://host/path (plain HTTP in absolute form): one request to a checked address.</summary>
    private async Task ForwardAsync(ProxySession session, RequestHead head, NetworkStream client, CancellationToken work)
    {
        if (!Uri.TryCreate(head.Target, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttp)
        {
            // Only plain HTTP comes in absolute form; anything else (ftp:, a relative path) is no request for a proxy.
            await RespondAsync(client, "400 Bad Request", "", work);
            return;
        }

        var upstream = await ConnectCheckedAsync(session, url.Host, url.Port, url.AbsoluteUri, client, work);
        if (upstream is null)
        {
            return;
        }

        using (upstream)
        {
            await using var server = new NetworkStream(upstream, ownsSocket: false);
            await server.WriteAsync(head.ForOrigin(url), work);
            if (head.Leftover.Length > 0)
            {
                await server.WriteAsync(head.Leftover, work);
            }

            // The answer's head gets "Connection: close" too, so the browser sends its next request
            // on a new connection, which is checked again.
            using var copying = CancellationTokenSource.CreateLinkedTokenSource(work);
            var upload = client.CopyToAsync(server, copying.Token);
            var answer = await ResponseHead.ReadAsync(server, MaxHeadBytes, work);
            if (answer is not null)
            {
                await client.WriteAsync(answer.Closing(), work);
                await server.CopyToAsync(client, work);
            }

            await copying.CancelAsync();
            await upload.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>The socket to a checked address of <paramref name="host"/>; null when refused or unreachable (the browser has been answered).</summary>
    private async Task<Socket?> ConnectCheckedAsync(ProxySession session, string host, int port, string shown, NetworkStream client, CancellationToken work)
    {
        var check = await targets.CheckAsync(host, work);
        if (check.Outcome == TargetCheckOutcome.Refused)
        {
            session.Refuse(shown, check.Reason!);
            logger.LogWarning("A capture asked for {Url}, {Reason}: refused.", shown, check.Reason);
            await RespondAsync(client, "403 Forbidden", "", work);
            return null;
        }

        if (check.Outcome == TargetCheckOutcome.Unresolved)
        {
            session.Unreachable(host, port, check.Reason!);
            await RespondAsync(client, "502 Bad Gateway", "", work);
            return null;
        }

        SocketException? last = null;
        foreach (var address in check.Addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            using var connecting = CancellationTokenSource.CreateLinkedTokenSource(work);
            connecting.CancelAfter(ConnectTimeout);
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), connecting.Token);
                return socket;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException && !work.IsCancellationRequested)
            {
                socket.Dispose();
                last = e as SocketException;
            }
        }

        var why = last?.SocketErrorCode == SocketError.ConnectionRefused ? "connection refused" : "no answer";
        session.Unreachable(host, port, $"nothing answered at {check.Addresses[0]} port {port.ToString(CultureInfo.InvariantCulture)} ({why})");
        await RespondAsync(client, "502 Bad Gateway", "", work);
        return null;
    }

    private static async Task PipeAsync(NetworkStream client, NetworkStream server, CancellationToken work)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(work);
        var up = client.CopyToAsync(server, both.Token);
        var down = server.CopyToAsync(client, both.Token);
        await Task.WhenAny(up, down);
        await both.CancelAsync();
        await Task.WhenAll(up, down).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private static async Task RespondAsync(NetworkStream client, string status, string headers, CancellationToken cancellationToken)
    {
        var response = $"HTTP/1.1 {status}\r\n{headers}Content-Length: 0\r\nConnection: close\r\nProxy-Connection: close\r\n\r\n";
        await client.WriteAsync(Encoding.ASCII.GetBytes(response), cancellationToken);
    }

    private static bool TrySplitAuthority(string authority, out string host, out int port)
    {
        host = "";
        port = 0;
        var colon = authority.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(authority.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
        {
            return false;
        }

        host = authority[..colon];
        return true;
    }

    /// <summary>An HTTP message head: the first line and the header lines, as read up to the blank line.</summary>
    private abstract class MessageHead
    {
        protected MessageHead(string firstLine, List<(string Name, string Value)> headers, byte[] leftover)
        {
            FirstLine = firstLine;
            Headers = headers;
            Leftover = leftover;
        }

        public string FirstLine { get; }

        public List<(string Name, string Value)> Headers { get; }

        /// <summary>Bytes read past the head: the start of the body (or of the tunnel).</summary>
        public byte[] Leftover { get; }

        public string? Header(string name) =>
            Headers.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Value;

        protected static async Task<(string FirstLine, List<(string, string)> Headers, byte[] Leftover)?> ReadPartsAsync(
            Stream stream, int limit, CancellationToken cancellationToken)
        {
            var buffer = new byte[limit];
            var filled = 0;
            while (true)
            {
                var end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8);
                if (end >= 0)
                {
                    var lines = Encoding.Latin1.GetString(buffer, 0, end).Split("\r\n");
                    var headers = new List<(string, string)>();
                    foreach (var line in lines.Skip(1))
                    {
                        var colon = line.IndexOf(':');
                        if (colon <= 0)
                        {
                            return null;
                        }

                        headers.Add((line[..colon].Trim(), line[(colon + 1)..].Trim()));
                    }

                    return (lines[0], headers, buffer[(end + 4)..filled]);
                }

                if (filled == buffer.Length)
                {
                    return null;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken);
                if (read == 0)
                {
                    return null;
                }

                filled += read;
            }
        }

        /// <summary>The headers without those about this hop, then "Connection: close".</summary>
        protected IEnumerable<string> EndToEndHeaders() =>
            Headers.Where(h => !HopByHop.Contains(h.Name)).Select(h => $"{h.Name}: {h.Value}").Append("Connection: close");

        private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
        {
            "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authorization", "Proxy-Authenticate", "TE", "Upgrade",
        };
    }

    private sealed class RequestHead : MessageHead
    {
        private RequestHead(string method, string target, string version, string firstLine, List<(string, string)> headers, byte[] leftover)
            : base(firstLine, headers, leftover)
        {
            Method = method;
            Target = target;
            Version = version;
        }

        public string Method { get; }

        public string Target { get; }

        public string Version { get; }

        public static async Task<RequestHead?> ReadAsync(Stream stream, int limit, CancellationToken cancellationToken)
        {
            if (await ReadPartsAsync(stream, limit, cancellationToken) is not { } parts)
            {
                return null;
            }

            var words = parts.FirstLine.Split(' ');
            return words.Length == 3 && words[2].StartsWith("HTTP/1.", StringComparison.Ordinal)
                ? new RequestHead(words[0], words[1], words[2], parts.FirstLine, parts.Headers, parts.Leftover)
                : null;
        }

        /// <summary>The request as the site expects it: the path alone, and no proxy headers.</summary>
        public byte[] ForOrigin(Uri url)
        {
            var lines = new[] { $"{Method} {url.PathAndQuery} {Version}" }.Concat(EndToEndHeaders());
            return Encoding.Latin1.GetBytes(string.Join("\r\n", lines) + "\r\n\r\n");
        }
    }

    private sealed class ResponseHead : MessageHead
    {
        private ResponseHead(string firstLine, List<(string, string)> headers, byte[] leftover)
            : base(firstLine, headers, leftover)
        {
        }

        public static async Task<ResponseHead?> ReadAsync(Stream stream, int limit, CancellationToken cancellationToken) =>
            await ReadPartsAsync(stream, limit, cancellationToken) is { } parts && parts.FirstLine.StartsWith("HTTP/1.", StringComparison.Ordinal)
                ? new ResponseHead(parts.FirstLine, parts.Headers, parts.Leftover)
                : null;

        public byte[] Closing()
        {
            var lines = new[] { FirstLine }.Concat(EndToEndHeaders()).Append("Proxy-Connection: close");
            return [.. Encoding.Latin1.GetBytes(string.Join("\r\n", lines) + "\r\n\r\n"), .. Leftover];
        }
    }
}

/// <summary>
/// One capture's use of the <see cref="CaptureProxy"/>: the credential its browser context sends,
/// the requests refused (each a sentence) and the hosts that could not be reached. Disposing it
/// ends the capture's connections and retires the credential.
/// </summary>
public sealed class ProxySession : IDisposable
{
    private readonly CaptureProxy _proxy;
    private readonly CancellationTokenSource _closed = new();
    private readonly ConcurrentQueue<string> _refusals = new();
    private readonly ConcurrentDictionary<string, string> _unreachable = new(StringComparer.OrdinalIgnoreCase);

    internal ProxySession(CaptureProxy proxy, string user, string password)
    {
        _proxy = proxy;
        User = user;
        Password = password;
    }

    public string User { get; }

    public string Password { get; }

    internal string Credential => User + ":" + Password;

    internal bool IsClosed => _closed.IsCancellationRequested;

    /// <summary>One sentence per refused request, in the order they were asked for.</summary>
    public IReadOnlyList<string> Refusals => [.. _refusals];

    /// <summary>Why <paramref name="host"/>:<paramref name="port"/> could not be reached, if it could not.</summary>
    public string? WhyUnreachable(string host, int port) =>
        _unreachable.TryGetValue(Key(host, port), out var why) ? why : null;

    public void Dispose()
    {
        _proxy.Close(this);
        if (!_closed.IsCancellationRequested)
        {
            _closed.Cancel();
        }
    }

    internal void Refuse(string url, string reason) => _refusals.Enqueue(CaptureTargets.RefusedSentence(url, reason));

    internal void Unreachable(string host, int port, string why) => _unreachable[Key(host, port)] = why;

    /// <summary>Ties a connection to the session, so ending the capture ends it.</summary>
    internal CancellationTokenSource Track(Socket client)
    {
        var connection = CancellationTokenSource.CreateLinkedTokenSource(_closed.Token);
        connection.Token.Register(() =>
        {
            try
            {
                client.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Already closed.
            }
        });
        return connection;
    }

    private static string Key(string host, int port) =>
        (Domain.Screenshots.TargetHost.Parse(host)?.Name ?? host) + ":" + port.ToString(CultureInfo.InvariantCulture);
}
