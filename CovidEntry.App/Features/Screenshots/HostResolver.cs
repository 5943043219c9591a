using System.Net;

namespace CovidEntry.App.Features.Screenshots;

/// <summary>
/// Turns a host name into addresses for the capture service. An interface so a test can play a
/// DNS server that answers differently each time (DNS rebinding) without owning a real one.
/// </summary>
public interface IHostResolver
{
    /// <summary>Every address the name resolves to now; empty when it resolves to none.</summary>
    Task<IReadOnlyList<IPAddress>> ResolveAsync(string name, CancellationToken cancellationToken);
}

/// <summary>The machine's resolver (getaddrinfo), as any program on the server would ask it.</summary>
public sealed class DnsHostResolver : IHostResolver
{
    public async Task<IReadOnlyList<IPAddress>> ResolveAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await Dns.GetHostAddressesAsync(name, cancellationToken);
        }
        catch (System.Net.Sockets.SocketException)
        {
            // "No such host" and its kin: a name that leads nowhere, which the caller reports as such.
            return [];
        }
    }
}
