using System.Net;
using System.Net.Sockets;

namespace CovidEntry.Domain.Screenshots;

/// <summary>Why an address is not a public internet address (or that it is one).</summary>
public enum AddressRange
{
    Public,
    Unspecified,
    Loopback,
    PrivateNetwork,
    CarrierGradeNat,
    LinkLocal,
    UniqueLocal,
    SiteLocal,
    Multicast,
    Broadcast,
    Documentation,
    Benchmarking,
    Reserved,
    Teredo,
}

/// <summary>
/// Which addresses the capture service may reach: public internet (global unicast) addresses
/// only. A capture runs on the server, inside whatever network the server sits in, so a source
/// page that pointed at the server itself, the database, a cloud metadata service (169.254.169.254)
/// or anything else on a private network would let whoever wrote the page read what only the
/// server can reach. Everything that is not global unicast is refused, in either IP version and
/// whatever IPv6 form wraps an IPv4 address (mapped, NAT64, 6to4), judged by the IPv4 inside it.
/// </summary>
public static class PublicAddress
{
    // IPv4 ranges that are not public, from the IANA special-purpose registry (RFC 6890 and later).
    private static readonly (uint Network, int Bits, AddressRange Range)[] Ipv4Ranges =
    [
        (0x00000000, 8, AddressRange.Unspecified),     // 0.0.0.0/8: "this network"; 0.0.0.0 means this machine
        (0x0A000000, 8, AddressRange.PrivateNetwork),  // 10.0.0.0/8
        (0x64400000, 10, AddressRange.CarrierGradeNat), // 100.64.0.0/10
        (0x7F000000, 8, AddressRange.Loopback),        // 127.0.0.0/8
        (0xA9FE0000, 16, AddressRange.LinkLocal),      // 169.254.0.0/16, cloud metadata services
        (0xAC100000, 12, AddressRange.PrivateNetwork), // 172.16.0.0/12
        (0xC0000000, 24, AddressRange.Reserved),       // 192.0.0.0/24, IETF protocol assignments
        (0xC0000200, 24, AddressRange.Documentation),  // 192.0.2.0/24, TEST-NET-1
        (0xC0586300, 24, AddressRange.Reserved),       // 192.88.99.0/24, the retired 6to4 relay anycast
        (0xC0A80000, 16, AddressRange.PrivateNetwork), // 192.168.0.0/16
        (0xC6120000, 15, AddressRange.Benchmarking),   // 198.18.0.0/15
        (0xC6336400, 24, AddressRange.Documentation),  // 198.51.100.0/24, TEST-NET-2
        (0xCB007100, 24, AddressRange.Documentation),  // 203.0.113.0/24, TEST-NET-3
        (0xE0000000, 4, AddressRange.Multicast),       // 224.0.0.0/4
        (0xFFFFFFFF, 32, AddressRange.Broadcast),      // 255.255.255.255, before 240/4 so it is named as such
        (0xF0000000, 4, AddressRange.Reserved),        // 240.0.0.0/4
    ];

    /// <summary>The range <paramref name="address"/> falls in; <see cref="AddressRange.Public"/> only for global unicast.</summary>
    public static AddressRange Classify(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return Judge(address).Range;
    }

    public static bool IsPublic(IPAddress address) => Classify(address) == AddressRange.Public;

    /// <summary>
    /// Null for a public address; otherwise what the address is, as words for a sentence: "a
    /// loopback address (this machine)", or for an IPv6 address that wraps an IPv4 one, "an IPv6
    /// address wrapping 10.0.0.5, a private network address".
    /// </summary>
    public static string? Refusal(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var (range, embedded) = Judge(address);
        if (range == AddressRange.Public)
        {
            return null;
        }

        return embedded is null ? Describe(range) : $"an IPv6 address wrapping {embedded}, {Describe(range)}";
    }

    public static string Describe(AddressRange range) => range switch
    {
        AddressRange.Unspecified => "an unspecified address (which means this machine)",
        AddressRange.Loopback => "a loopback address (this machine)",
        AddressRange.PrivateNetwork => "a private network address",
        AddressRange.CarrierGradeNat => "a carrier-grade NAT address (a provider's private network)",
        AddressRange.LinkLocal => "a link-local address (where cloud metadata services answer)",
        AddressRange.UniqueLocal => "a unique-local address (a private IPv6 network)",
        AddressRange.SiteLocal => "a site-local address (a private IPv6 network)",
        AddressRange.Multicast => "a multicast address",
        AddressRange.Broadcast => "the broadcast address",
        AddressRange.Documentation => "a documentation address (never used on the internet)",
        AddressRange.Benchmarking => "a benchmarking address (never used on the internet)",
        AddressRange.Teredo => "a Teredo tunnel address (it can lead anywhere)",
        AddressRange.Reserved => "a reserved address (not on the public internet)",
        _ => "a public internet address",
    };

    private static (AddressRange Range, IPAddress? Embedded) Judge(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return (Ipv4(address), null);
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return (AddressRange.Reserved, null);
        }

        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);

        // ::ffff:a.b.c.d (mapped) and 64:ff9b::a.b.c.d (NAT64's well-known prefix) reach the IPv4
        // address inside them: judge that one.
        if (address.IsIPv4MappedToIPv6 || StartsWith(b, [0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0]))
        {
            return Wrapped(new IPAddress(b[12..]));
        }

        if (b[..15].IndexOfAnyExcept((byte)0) < 0)
        {
            return (b[15] switch { 0 => AddressRange.Unspecified, 1 => AddressRange.Loopback, _ => AddressRange.Reserved }, null);
        }

        if (b[0] == 0xFF)
        {
            return (AddressRange.Multicast, null);
        }

        if ((b[0] & 0xFE) == 0xFC)
        {
            return (AddressRange.UniqueLocal, null);
        }

        if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80)
        {
            return (AddressRange.LinkLocal, null);
        }

        if (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0)
        {
            return (AddressRange.SiteLocal, null);
        }

        // Only 2000::/3 is global unicast; everything else (::/8 with the old IPv4-compatible form,
        // 100::/64 discard, 64:ff9b:1::/48 local NAT64, …) is reserved.
        if ((b[0] & 0xE0) != 0x20)
        {
            return (AddressRange.Reserved, null);
        }

        if (b[0] == 0x20 && b[1] == 0x01)
        {
            if (b[2] == 0x0D && b[3] == 0xB8)
            {
                return (AddressRange.Documentation, null);
            }

            if (b[2] == 0 && b[3] == 0)
            {
                return (AddressRange.Teredo, null);
            }

            // 2001::/23 holds the IETF protocol assignments (benchmarking 2001:2::/48, ORCHID, …):
            // none is a web server.
            if ((b[2] & 0xFE) == 0)
            {
                return (AddressRange.Reserved, null);
            }
        }

        // 6to4: 2002:a.b.c.d::/48 is routed to the IPv4 address a.b.c.d.
        if (b[0] == 0x20 && b[1] == 0x02)
        {
            return Wrapped(new IPAddress(b[2..6]));
        }

        return (AddressRange.Public, null);
    }

    private static (AddressRange, IPAddress?) Wrapped(IPAddress ipv4)
    {
        var range = Ipv4(ipv4);
        return (range, range == AddressRange.Public ? null : ipv4);
    }

    private static AddressRange Ipv4(IPAddress address)
    {
        Span<byte> b = stackalloc byte[4];
        address.TryWriteBytes(b, out _);
        var value = (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
        foreach (var (network, bits, range) in Ipv4Ranges)
        {
            var mask = bits == 0 ? 0u : uint.MaxValue << (32 - bits);
            if ((value & mask) == network)
            {
                return range;
            }
        }

        return AddressRange.Public;
    }

    private static bool StartsWith(ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> prefix) => bytes.StartsWith(prefix);
}
