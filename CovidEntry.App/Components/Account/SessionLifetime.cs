using System.Globalization;
using System.Security.Claims;

namespace CovidEntry.App.Components.Account;

/// <summary>
/// When a sign-in was made, and whether it has outlived the absolute session limit. The time is
/// kept twice: in the cookie's properties, which survive every renewal and refresh of the cookie,
/// and as a claim, which is what an open interactive page (a circuit) sees of its sign-in.
/// </summary>
public static class SessionLifetime
{
    public const string SignedInAtClaim = "covidentry:signed_in_at";

    /// <summary>Key in the cookie's authentication properties.</summary>
    public const string SignedInAtItem = ".covidentry.signed_in_at";

    /// <summary>
    /// A sign-in without a known start (a cookie made before the limit existed, or a tampered
    /// value) counts as expired: the person signs in again once, rather than being let in unlimited.
    /// </summary>
    public static bool IsExpired(DateTimeOffset? signedInAt, DateTimeOffset now, TimeSpan limit) =>
        signedInAt is not { } start || now - start >= limit;

    public static string Format(DateTimeOffset signedInAt) =>
        signedInAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    public static DateTimeOffset? Parse(string? value) =>
        DateTimeOffset.TryParseExact(value, "O", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : null;

    public static DateTimeOffset? SignedInAt(ClaimsPrincipal principal) => Parse(principal.FindFirstValue(SignedInAtClaim));

    /// <summary>Puts the sign-in time on the principal unless it has it (a principal rebuilt from the database has not).</summary>
    public static void Stamp(ClaimsPrincipal principal, DateTimeOffset signedInAt)
    {
        if (principal.HasClaim(c => c.Type == SignedInAtClaim) || principal.Identity is not ClaimsIdentity identity)
        {
            return;
        }

        identity.AddClaim(new Claim(SignedInAtClaim, Format(signedInAt)));
    }
}
