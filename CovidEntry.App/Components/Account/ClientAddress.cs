using System.Net;
using System.Net.Sockets;

namespace CovidEntry.App.Components.Account;

/// <summary>
/// The network a request comes from, as the sign-in throttle counts it: one IPv4 address, or one
/// IPv6 /64 (a single home or office line is usually given a whole /64, so counting single IPv6
/// addresses would hand an attacker 2^64 budgets). Behind a reverse proxy the connection's address
/// is the proxy's: forwarded headers must be on (ASPNETCORE_FORWARDEDHEADERS_ENABLED=true).
/// </summary>
public static class ClientAddress
{
    public const int PrefixMaxLength = 64;

    public const string Unknown = "unknown";

    public static string PrefixOf(IPAddress? address)
    {
        if (address is null)
        {
            return Unknown;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return address + "/32";
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    public static string PrefixOf(HttpContext context) => PrefixOf(context.Connection.RemoteIpAddress);
}
