using System.Net;
using CovidEntry.Domain.Screenshots;
using Microsoft.Extensions.Options;

namespace CovidEntry.App.Features.Screenshots;

/// <summary>What the capture service may reach at one host, judged now.</summary>
/// <remarks>
/// <paramref name="Reason"/> follows a URL in a sentence ("…, which resolves to 10.0.0.5, a private
/// network address"); <paramref name="Explanation"/> stands alone ("intranet.example resolves to
/// 10.0.0.5, a private network address").
/// </remarks>
public sealed record TargetCheck(TargetCheckOutcome Outcome, IReadOnlyList<IPAddress> Addresses, string? Reason, string? Explanation = null)
{
    public bool Allowed => Outcome == TargetCheckOutcome.Allowed;
}

public enum TargetCheckOutcome
{
    /// <summary>Every address of the host may be reached: <see cref="TargetCheck.Addresses"/> are the ones to connect to.</summary>
    Allowed,

    /// <summary>The host is, or resolves to, an address captures must not reach; <see cref="TargetCheck.Reason"/> says which.</summary>
    Refused,

    /// <summary>The host is not a host, or its name resolves to nothing.</summary>
    Unresolved,
}

/// <summary>
/// Decides, at the moment of asking, whether the capture service may reach a host: a name is
/// resolved, and every address it resolves to must be public (unless
/// <see cref="ScreenshotSettings.AllowPrivateTargets"/>), so a name that answers with one public
/// and one private address is refused too. The capture proxy connects only to the addresses
/// judged here, never resolving the name again, so a DNS answer that changes between the check
/// and the connection (DNS rebinding) changes nothing.
/// </summary>
public class CaptureTargets(IHostResolver resolver, IOptions<ScreenshotSettings> settings)
{
    private static readonly IReadOnlyList<IPAddress> Localhost = [IPAddress.Loopback, IPAddress.IPv6Loopback];

    public async Task<TargetCheck> CheckAsync(string host, CancellationToken cancellationToken)
    {
        var target = TargetHost.Parse(host);
        if (target is null)
        {
            var invalid = $"\"{host}\" is not a host name or address";
            return new TargetCheck(TargetCheckOutcome.Unresolved, [], invalid, invalid);
        }

        IReadOnlyList<IPAddress> addresses;
        if (target.Address is { } literal)
        {
            addresses = [literal];
        }
        else if (target.IsLocalhostName)
        {
            // Browsers send localhost and *.localhost to this machine without asking DNS; so does this.
            addresses = Localhost;
        }
        else
        {
            addresses = (await resolver.ResolveAsync(target.Name, cancellationToken)).Distinct().ToList();
            if (addresses.Count == 0)
            {
                var unknown = $"the name {target.Name} could not be found (DNS knows no address for it)";
                return new TargetCheck(TargetCheckOutcome.Unresolved, [], unknown, unknown);
            }
        }

        foreach (var address in addresses)
        {
            if (RefusalFor(address) is { } why)
            {
                return target.Address is not null
                    ? new TargetCheck(TargetCheckOutcome.Refused, [], why, $"{target} is {why}")
                    : new TargetCheck(TargetCheckOutcome.Refused, [], $"which resolves to {address}, {why}", $"{target.Name} resolves to {address}, {why}");
            }
        }

        return new TargetCheck(TargetCheckOutcome.Allowed, addresses, null);
    }

    /// <summary>Null when captures may reach <paramref name="address"/>; otherwise what it is, for a sentence.</summary>
    protected virtual string? RefusalFor(IPAddress address) =>
        settings.Value.AllowPrivateTargets ? null : PublicAddress.Refusal(address);

    /// <summary>The sentence a capture fails with when the page (or its address) reached for a refused host.</summary>
    public static string RefusedSentence(string url, string reason) =>
        $"The page asked for {Shorten(url)}, {reason}: captures only reach public internet addresses.";

    private static string Shorten(string url) => url.Length > 200 ? url[..200] + "…" : url;
}
