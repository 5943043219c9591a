using System.Security.Cryptography;
using CovidEntry.App.Shared;
using Microsoft.AspNetCore.DataProtection;

namespace CovidEntry.App.Components.Account;

/// <summary>
/// OWASP's device cookie: a browser where someone signed in gets a signed token bound to that
/// account, so <see cref="SignInThrottle"/> can tell the person's own browser from the rest of the
/// world. The token proves only "this browser once signed in to this account"; it never signs anyone
/// in. One account per browser (the latest to sign in there); a new token at each sign-in.
/// </summary>
public sealed class SignInDevices(IDataProtectionProvider dataProtection, TimeProvider clock)
{
    public const string CookieName = "CovidEntry.Device";

    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(90);

    private readonly ITimeLimitedDataProtector _protector =
        dataProtection.CreateProtector("CovidEntry.SignInDevices.v1").ToTimeLimitedDataProtector();

    /// <summary>The browser's device id for this account, or null (no token, another account's, expired or forged).</summary>
    public Guid? Read(HttpContext context, byte[] accountKey)
    {
        if (!context.Request.Cookies.TryGetValue(CookieName, out var value) || string.IsNullOrEmpty(value) || value.Length > 1024)
        {
            return null;
        }

        byte[] payload;
        try
        {
            payload = _protector.Unprotect(Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlDecode(value), out _);
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            return null;
        }

        if (payload.Length != SignInAccount.KeyLength + 16
            || !CryptographicOperations.FixedTimeEquals(payload.AsSpan(0, SignInAccount.KeyLength), accountKey))
        {
            return null;
        }

        return new Guid(payload.AsSpan(SignInAccount.KeyLength));
    }

    /// <summary>Gives the browser a fresh token for the account it just signed in to.</summary>
    public void Issue(HttpContext context, byte[] accountKey)
    {
        var payload = new byte[SignInAccount.KeyLength + 16];
        accountKey.CopyTo(payload, 0);
        Guid.NewGuid().TryWriteBytes(payload.AsSpan(SignInAccount.KeyLength));
        var expires = clock.GetUtcNow() + Lifetime;
        var token = Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(_protector.Protect(payload, expires));
        context.Response.Cookies.Append(CookieName, token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = CookieSecurity.Secure(context),
            Path = "/Account",
            Expires = expires,
            IsEssential = true,
        });
    }
}
