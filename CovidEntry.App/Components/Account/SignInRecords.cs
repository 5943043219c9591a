namespace CovidEntry.App.Components.Account;

/// <summary>
/// One signed-in session, kept on the server (<see cref="SignInSessionStore"/>): the browser's
/// cookie holds only a random key, this row its SHA-256 and the sign-in ticket, protected with the
/// data-protection keys. Signing out deletes the row, so a copied cookie stops working at once.
/// </summary>
public sealed class SignInSession
{
    public byte[] KeyHash { get; set; } = [];

    public string UserId { get; set; } = "";

    /// <summary>The serialized authentication ticket (claims, sign-in time), data-protected.</summary>
    public byte[] Ticket { get; set; } = [];

    public DateTime CreatedAtUtc { get; set; }

    /// <summary>When the sign-in lapses unless renewed (the cookie's sliding expiry).</summary>
    public DateTime ExpiresAtUtc { get; set; }
}

/// <summary>
/// One failed (or still being checked) sign-in attempt, counted by <see cref="SignInThrottle"/>
/// against the address it came from and the account it named, which need not exist.
/// </summary>
public sealed class SignInFailure
{
    public long Id { get; set; }

    /// <summary>SHA-256 of the normalized account name typed (<see cref="SignInAccount.Key"/>); null for a passkey attempt.</summary>
    public byte[]? AccountKey { get; set; }

    /// <summary>The client's network: an IPv4 address (/32) or an IPv6 /64, e.g. <c>2001:db8:1:2::/64</c>.</summary>
    public string AddressPrefix { get; set; } = "";

    /// <summary>The known browser the attempt came from (a valid device token for the account), or null.</summary>
    public Guid? DeviceId { get; set; }

    public DateTime OccurredAtUtc { get; set; }
}
