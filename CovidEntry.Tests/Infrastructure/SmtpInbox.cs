using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace CovidEntry.Tests.Infrastructure;

/// <summary>
/// A real SMTP server on a free loopback port, started by a test, that keeps every message it is
/// given, for the test to read as the recipient's mail program would.
/// </summary>
public sealed class SmtpInbox : IAsyncDisposable
{
    private readonly Channel<MimeMessage> _messages = Channel.CreateUnbounded<MimeMessage>();
    private readonly CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;

    private SmtpInbox(int port)
    {
        Port = port;
    }

    public int Port { get; }

    public static SmtpInbox Start()
    {
        var inbox = new SmtpInbox(FreePort());
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(endpoint => endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, inbox.Port)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(inbox._messages.Writer));
        inbox._running = new SmtpServer.SmtpServer(options, services).StartAsync(inbox._stop.Token);
        return inbox;
    }

    /// <summary>The next message delivered, waiting for it up to <paramref name="timeout"/>.</summary>
    public async Task<MimeMessage> NextAsync(TimeSpan timeout)
    {
        using var waiting = new CancellationTokenSource(timeout);
        try
        {
            return await _messages.Reader.ReadAsync(waiting.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No mail arrived at the test's SMTP server within {timeout.TotalSeconds:0} s.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
            // Stopped, as asked.
        }

        _stop.Dispose();
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private sealed class Store(ChannelWriter<MimeMessage> messages) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer,
            CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            await messages.WriteAsync(await MimeMessage.LoadAsync(stream, cancellationToken), cancellationToken);
            return SmtpResponse.Ok;
        }
    }
}
