using System.Net;
using CovidEntry.Domain.Screenshots;

namespace CovidEntry.Tests.Domain;

/// <summary>Which addresses the capture service may reach, and how browsers spell the ones it may not.</summary>
public class PublicAddressTests
{
    public static TheoryData<string, AddressRange> NotPublic() => new()
    {
        { "0.0.0.0", AddressRange.Unspecified },
        { "0.1.2.3", AddressRange.Unspecified },
        { "10.0.0.5", AddressRange.PrivateNetwork },
        { "10.255.255.255", AddressRange.PrivateNetwork },
        { "100.64.0.1", AddressRange.CarrierGradeNat },
        { "100.127.255.254", AddressRange.CarrierGradeNat },
        { "127.0.0.1", AddressRange.Loopback },
        { "127.255.0.9", AddressRange.Loopback },
        { "169.254.169.254", AddressRange.LinkLocal },
        { "172.16.0.1", AddressRange.PrivateNetwork },
        { "172.31.255.255", AddressRange.PrivateNetwork },
        { "192.0.0.8", AddressRange.Reserved },
        { "192.0.2.1", AddressRange.Documentation },
        { "192.88.99.1", AddressRange.Reserved },
        { "192.168.1.1", AddressRange.PrivateNetwork },
        { "198.18.0.1", AddressRange.Benchmarking },
        { "198.19.255.1", AddressRange.Benchmarking },
        { "198.51.100.7", AddressRange.Documentation },
        { "203.0.113.9", AddressRange.Documentation },
        { "224.0.0.1", AddressRange.Multicast },
        { "239.255.255.250", AddressRange.Multicast },
        { "240.0.0.1", AddressRange.Reserved },
        { "255.255.255.255", AddressRange.Broadcast },
        { "::", AddressRange.Unspecified },
        { "::1", AddressRange.Loopback },
        { "::127.0.0.1", AddressRange.Reserved },
        { "::ffff:127.0.0.1", AddressRange.Loopback },
        { "::ffff:7f00:1", AddressRange.Loopback },
        { "::ffff:10.1.2.3", AddressRange.PrivateNetwork },
        { "::ffff:169.254.169.254", AddressRange.LinkLocal },
        { "64:ff9b::10.0.0.1", AddressRange.PrivateNetwork },
        { "64:ff9b::7f00:1", AddressRange.Loopback },
        { "64:ff9b:1::1.2.3.4", AddressRange.Reserved },
        { "100::1", AddressRange.Reserved },
        { "2001:db8::1", AddressRange.Documentation },
        { "2001::1", AddressRange.Teredo },
        { "2001:2::1", AddressRange.Reserved },
        { "2002:0a00:0001::1", AddressRange.PrivateNetwork },
        { "2002:7f00:0001::1", AddressRange.Loopback },
        { "fc00::1", AddressRange.UniqueLocal },
        { "fd00:ec2::254", AddressRange.UniqueLocal },
        { "fe80::1", AddressRange.LinkLocal },
        { "febf::1", AddressRange.LinkLocal },
        { "fec0::1", AddressRange.SiteLocal },
        { "ff02::1", AddressRange.Multicast },
        { "4000::1", AddressRange.Reserved },
    };

    [Theory]
    [MemberData(nameof(NotPublic))]
    public void EveryRangeThatIsNotGlobalUnicastIsRefusedAndNamed(string address, AddressRange range)
    {
        var ip = IPAddress.Parse(address);

        Assert.Equal(range, PublicAddress.Classify(ip));
        Assert.False(PublicAddress.IsPublic(ip));
        Assert.Matches("^(a|an|the) ", PublicAddress.Refusal(ip));
    }

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.0")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.0")]
    [InlineData("192.169.0.1")]
    [InlineData("198.20.0.1")]
    [InlineData("223.255.255.255")]
    [InlineData("2606:2800:220:1:248:1893:25c8:1946")]
    [InlineData("2a00:1450:4001:82a::200e")]
    [InlineData("::ffff:93.184.216.34")]
    [InlineData("64:ff9b::93.184.216.34")]
    [InlineData("2002:5db8:d822::1")]
    public void PublicInternetAddressesAreAllowed(string address)
    {
        var ip = IPAddress.Parse(address);

        Assert.Equal(AddressRange.Public, PublicAddress.Classify(ip));
        Assert.Null(PublicAddress.Refusal(ip));
    }

    [Fact]
    public void AnIpv6AddressWrappingAnIpv4OneIsRefusedNamingTheIpv4Address()
    {
        Assert.Equal("an IPv6 address wrapping 10.0.0.5, a private network address", PublicAddress.Refusal(IPAddress.Parse("::ffff:10.0.0.5")));
        Assert.Equal("a loopback address (this machine)", PublicAddress.Refusal(IPAddress.Loopback));
    }

    public static TheoryData<string, string> Spellings() => new()
    {
        { "2130706433", "127.0.0.1" },
        { "0x7f.1", "127.0.0.1" },
        { "0X7F.0.0.1", "127.0.0.1" },
        { "017700000001", "127.0.0.1" },
        { "0177.0.0.01", "127.0.0.1" },
        { "127.1", "127.0.0.1" },
        { "127.0.1", "127.0.0.1" },
        { "127.0.0.1.", "127.0.0.1" },
        { "0x7f000001", "127.0.0.1" },
        { "0", "0.0.0.0" },
        { "0.0.0.0", "0.0.0.0" },
        { "0xa9fea9fe", "169.254.169.254" },
        { "169.254.43518", "169.254.169.254" },
        { "2852039166", "169.254.169.254" },
        { "012.0.0.5", "10.0.0.5" },
        { "[::ffff:127.0.0.1]", "::ffff:127.0.0.1" },
        { "[::ffff:7f00:1]", "::ffff:127.0.0.1" },
        { "[::]", "::" },
        { "[::1]", "::1" },
        { "[0:0:0:0:0:0:0:1]", "::1" },
    };

    [Theory]
    [MemberData(nameof(Spellings))]
    public void EverySpellingABrowserAcceptsIsReadAsTheAddressItOpens(string host, string address)
    {
        var target = TargetHost.Parse(host);

        Assert.NotNull(target);
        Assert.Equal(IPAddress.Parse(address), target.Address);
        Assert.False(PublicAddress.IsPublic(target.Address!));
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("LOCALHOST.")]
    [InlineData("db.localhost")]
    [InlineData("api.localhost.")]
    public void LocalhostNamesAreKnownWithoutAskingDns(string host)
    {
        var target = TargetHost.Parse(host)!;

        Assert.Null(target.Address);
        Assert.True(target.IsLocalhostName);
    }

    [Theory]
    [InlineData("health.ny.gov.", "health.ny.gov")]
    [InlineData("Coronavirus.Health.NY.Gov", "coronavirus.health.ny.gov")]
    [InlineData("1.2.3.example", "1.2.3.example")]
    [InlineData("localhost.example", "localhost.example")]
    public void NamesAreLowerCasedWithoutTheirTrailingDotAndLeftToDns(string host, string name)
    {
        var target = TargetHost.Parse(host)!;

        Assert.Equal(name, target.Name);
        Assert.Null(target.Address);
        Assert.False(target.IsLocalhostName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("256.0.0.1")]
    [InlineData("1.2.3.4.5")]
    [InlineData("08.0.0.1")]
    [InlineData("0x1g.0.0.1")]
    [InlineData("4294967296")]
    [InlineData("[fe80::1%25eth0]")]
    [InlineData("a..b")]
    public void AHostNoBrowserWouldOpenIsNoHost(string host)
    {
        Assert.Null(TargetHost.Parse(host));
    }
}
