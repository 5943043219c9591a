using System.Net;
using System.Net.Sockets;

namespace CovidEntry.Domain.Screenshots;

/// <summary>
/// The host of an address as a browser reads it: an IP address (in any of the spellings browsers
/// accept: <c>2130706433</c>, <c>0x7f.1</c>, <c>017700000001</c>, <c>127.1</c>, <c>[::ffff:7f00:1]</c>)
/// or a name still to be resolved. Reading it the browser's way (the WHATWG URL standard) matters:
/// a check that read <c>0x7f.1</c> as a name would wave through what the browser opens as 127.0.0.1.
/// </summary>
public sealed record TargetHost
{
    private TargetHost(string name, IPAddress? address)
    {
        Name = name;
        Address = address;
    }

    /// <summary>Lower case, without a trailing dot; an IP address in its usual form.</summary>
    public string Name { get; }

    /// <summary>The address, when the host is one; null for a name, which must be resolved.</summary>
    public IPAddress? Address { get; }

    /// <summary><c>localhost</c> and names under <c>.localhost</c>: browsers send them to this machine without asking DNS.</summary>
    public bool IsLocalhostName => Address is null && (Name == "localhost" || Name.EndsWith(".localhost", StringComparison.Ordinal));

    /// <summary>
    /// Reads <paramref name="host"/> (a URL's host, IPv6 in brackets or not). Null when no
    /// browser would accept it as a host: an IPv4-looking host with a part out of range, an empty
    /// name, an IPv6 address with a zone.
    /// </summary>
    public static TargetHost? Parse(string? host)
    {
        if (string.IsNullOrWhiteSpace(host))
        {
            return null;
        }

        var text = host.Trim().ToLowerInvariant();
        if (text.StartsWith('[') || text.Contains(':'))
        {
            var inner = text.StartsWith('[') && text.EndsWith(']') ? text[1..^1] : text;
            return !inner.Contains('%') && IPAddress.TryParse(inner, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6
                ? new TargetHost(v6.ToString(), v6)
                : null;
        }

        if (text.EndsWith('.'))
        {
            text = text[..^1];
        }

        if (text.Length == 0 || text.Contains(".."))
        {
            return null;
        }

        var parts = text.Split('.');
        if (!EndsInANumber(parts))
        {
            return new TargetHost(text, null);
        }

        return Ipv4(parts) is { } v4 ? new TargetHost(v4.ToString(), v4) : null;
    }

    public override string ToString() => Address is { AddressFamily: AddressFamily.InterNetworkV6 } ? $"[{Name}]" : Name;

    /// <summary>The standard's test: a host whose last label is a number is an IPv4 address (or invalid), never a name.</summary>
    private static bool EndsInANumber(string[] parts)
    {
        var last = parts[^1];
        return last.Length > 0 && (last.All(char.IsAsciiDigit) || ParsePart(last) is not null);
    }

    private static IPAddress? Ipv4(string[] parts)
    {
        if (parts.Length > 4)
        {
            return null;
        }

        var numbers = new List<ulong>(parts.Length);
        foreach (var part in parts)
        {
            if (ParsePart(part) is not { } number)
            {
                return null;
            }

            numbers.Add(number);
        }

        // Every part but the last is one byte; the last fills the bytes that are left.
        if (numbers[..^1].Any(n => n > 255) || numbers[^1] >= 1UL << (8 * (5 - numbers.Count)))
        {
            return null;
        }

        ulong value = numbers[^1];
        for (var i = 0; i < numbers.Count - 1; i++)
        {
            value += numbers[i] << (8 * (3 - i));
        }

        return new IPAddress([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
    }

    /// <summary>One part: <c>0x</c> hexadecimal, a leading 0 octal, else decimal; null when it is none of them.</summary>
    private static ulong? ParsePart(string part)
    {
        if (part.Length == 0)
        {
            return null;
        }

        var (digits, radix) = part.StartsWith("0x", StringComparison.Ordinal)
            ? (part[2..], 16)
            : part.Length > 1 && part[0] == '0' ? (part[1..], 8) : (part, 10);
        if (digits.Length == 0)
        {
            return 0;
        }

        if (digits.Length > 20)
        {
            return ulong.MaxValue;
        }

        ulong value = 0;
        foreach (var c in digits)
        {
            var digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                _ => 99,
            };
            if (digit >= radix)
            {
                return null;
            }

            value = value > (ulong.MaxValue >> 4) ? ulong.MaxValue : value * (ulong)radix + (ulong)digit;
        }

        return value;
    }
}
