using System.Security.Claims;
using System.Security.Cryptography;
using CovidEntry.App.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.App.Components.Account;

/// <summary>
/// Sign-in sessions kept in PostgreSQL (the sign-in cookie's <see cref="CookieAuthenticationOptions.SessionStore"/>),
/// so that a session can be ended on the server: signing out deletes it, and a copy of the cookie
/// is refused on its very next request, on every instance. The cookie carries only a random key;
/// the table keeps its SHA-256 (a database backup holds no usable key) and the ticket, protected
/// with the data-protection keys. Written with plain SQL: a session row is mechanism, and the
/// sign-in and sign-out it stands for are audit events of their own (<see cref="Features.Audit.AuditingSignInManager"/>).
/// </summary>
public sealed class SignInSessionStore(
    IDbContextFactory<CovidEntryDbContext> dbFactory,
    IDataProtectionProvider dataProtection,
    SessionSignals signals,
    TimeProvider clock,
    ILogger<SignInSessionStore> logger) : ITicketStore
{
    public const int KeyHashLength = 32;

    /// <summary>
    /// Claim on the stored principal naming its session (the key's hash, never the key): what an
    /// open page's circuit checks to learn that its session has ended.
    /// </summary>
    public const string SessionClaim = "covidentry:session";

    private const string ReplacedSessionItem = "CovidEntry.ReplacedSession";

    /// <summary>The pages where someone signs in (password, authenticator code, recovery code, passkey).</summary>
    private static readonly PathString[] SignInPages = ["/Account/Login", "/Account/LoginWith2fa", "/Account/LoginWithRecoveryCode"];

    /// <summary>A session whose ticket states no expiry (none does today) lasts at most this long.</summary>
    private static readonly TimeSpan FallbackLifetime = TimeSpan.FromHours(12);

    private readonly IDataProtector _protector = dataProtection.CreateProtector("CovidEntry.SignInSessions.v1");

    public Task<string> StoreAsync(AuthenticationTicket ticket) => StoreAsync(ticket, CancellationToken.None);

    public async Task<string> StoreAsync(AuthenticationTicket ticket, CancellationToken cancellationToken)
    {
        var key = WebEncodersBase64Url(RandomNumberGenerator.GetBytes(32));
        var hash = Hash(key);
        Name(ticket, hash);
        var now = clock.GetUtcNow().UtcDateTime;
        var userId = ticket.Principal.FindFirstValue(ClaimTypes.NameIdentifier)
            ?? throw new InvalidOperationException("A sign-in ticket without a user id cannot be stored.");
        var protectedTicket = _protector.Protect(TicketSerializer.Default.Serialize(ticket));
        var expires = Expiry(ticket, now);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);

        // Sessions that lapsed without a sign-out are swept as new ones are made.
        await db.Database.ExecuteSqlAsync($"""
            DELETE FROM "SignInSessions" WHERE "ExpiresAtUtc" < {now};
            INSERT INTO "SignInSessions" ("KeyHash", "UserId", "Ticket", "CreatedAtUtc", "ExpiresAtUtc")
            VALUES ({hash}, {userId}, {protectedTicket}, {now}, {expires})
            """, cancellationToken);
        return key;
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket) => RenewAsync(key, ticket, CancellationToken.None);

    /// <summary>The sliding expiry moved on (or the principal was rebuilt): an ended session is not brought back.</summary>
    public async Task RenewAsync(string key, AuthenticationTicket ticket, CancellationToken cancellationToken)
    {
        var hash = Hash(key);
        Name(ticket, hash);
        var now = clock.GetUtcNow().UtcDateTime;
        var protectedTicket = _protector.Protect(TicketSerializer.Default.Serialize(ticket));
        var expires = Expiry(ticket, now);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync(
            $"""UPDATE "SignInSessions" SET "Ticket" = {protectedTicket}, "ExpiresAtUtc" = {expires} WHERE "KeyHash" = {hash}""",
            cancellationToken);
    }

    public Task<AuthenticationTicket?> RetrieveAsync(string key) => RetrieveAsync(key, CancellationToken.None);

    /// <summary>
    /// On the sign-in pages an existing session is not read: the cookie handler would otherwise
    /// sign the new person in under the same session key, so whoever planted or copied that cookie
    /// would share the new sign-in (session fixation). Read as signed out there, the sign-in makes
    /// a new session, and the old one is ended once the sign-in succeeds (<see cref="ReplacedSession"/>).
    /// </summary>
    public Task<AuthenticationTicket?> RetrieveAsync(string key, HttpContext httpContext, CancellationToken cancellationToken)
    {
        if (IsSignInPage(httpContext.Request.Path))
        {
            httpContext.Items[ReplacedSessionItem] = key;
            return Task.FromResult<AuthenticationTicket?>(null);
        }

        return RetrieveAsync(key, cancellationToken);
    }

    /// <summary>The session a sign-in page's request came with (read as signed out), to end once the new one is made.</summary>
    public static string? ReplacedSession(HttpContext httpContext) => httpContext.Items[ReplacedSessionItem] as string;

    public static bool IsSignInPage(PathString path) =>
        SignInPages.Any(page => path.Equals(page, StringComparison.OrdinalIgnoreCase));

    public async Task<AuthenticationTicket?> RetrieveAsync(string key, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var stored = await db.Database
            .SqlQuery<byte[]>($"""SELECT "Ticket" AS "Value" FROM "SignInSessions" WHERE "KeyHash" = {Hash(key)} AND "ExpiresAtUtc" > {now}""")
            .SingleOrDefaultAsync(cancellationToken);
        if (stored is null)
        {
            return null;
        }

        try
        {
            return TicketSerializer.Default.Deserialize(_protector.Unprotect(stored));
        }
        catch (CryptographicException ex)
        {
            // The key that protected it is gone (a restored database, a new key ring): sign in again.
            logger.LogWarning(ex, "A stored sign-in session could not be read; treating it as signed out");
            return null;
        }
    }

    public Task RemoveAsync(string key) => RemoveAsync(key, CancellationToken.None);

    /// <summary>Signing out: the session is gone for every copy of the cookie, and its open pages are told.</summary>
    public async Task RemoveAsync(string key, CancellationToken cancellationToken)
    {
        var hash = Hash(key);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"""DELETE FROM "SignInSessions" WHERE "KeyHash" = {hash}""", cancellationToken);
        signals.Ended(new SessionEnd(Convert.ToHexStringLower(hash), null));
    }

    /// <summary>Signs a person out everywhere at once (disabled, roles changed): every session of theirs ends.</summary>
    public async Task EndAllAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var ended = await db.Database.ExecuteSqlAsync($"""DELETE FROM "SignInSessions" WHERE "UserId" = {userId}""", cancellationToken);
        logger.LogInformation("Ended {Count} sign-in sessions of user {UserId}", ended, userId);
        signals.Ended(new SessionEnd(null, userId));
    }

    /// <summary>Whether the session a principal was signed in with still exists (what an open page rechecks).</summary>
    public async Task<bool> IsAliveAsync(ClaimsPrincipal principal, CancellationToken cancellationToken = default)
    {
        if (principal.FindFirstValue(SessionClaim) is not { } hex || hex.Length != KeyHashLength * 2)
        {
            return false;
        }

        byte[] hash;
        try
        {
            hash = Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            return false;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Database
            .SqlQuery<int>($"""SELECT 1 AS "Value" FROM "SignInSessions" WHERE "KeyHash" = {hash} AND "ExpiresAtUtc" > {now}""")
            .AnyAsync(cancellationToken);
    }

    /// <summary>Puts the session's name on its principal (a principal rebuilt from the database has none).</summary>
    private static void Name(AuthenticationTicket ticket, byte[] hash)
    {
        if (ticket.Principal.Identity is not ClaimsIdentity identity)
        {
            return;
        }

        foreach (var old in identity.FindAll(SessionClaim).ToList())
        {
            identity.RemoveClaim(old);
        }

        identity.AddClaim(new Claim(SessionClaim, Convert.ToHexStringLower(hash)));
    }

    private static byte[] Hash(string key) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key));

    private static DateTime Expiry(AuthenticationTicket ticket, DateTime now) =>
        ticket.Properties.ExpiresUtc?.UtcDateTime ?? now + FallbackLifetime;

    private static string WebEncodersBase64Url(byte[] bytes) => Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(bytes);
}

/// <summary>A session that ended (by its hash), or every session of a person (by user id).</summary>
public sealed record SessionEnd(string? SessionHash, string? UserId);

/// <summary>
/// Tells the open pages (circuits) on this instance that a session ended, so they leave at once
/// instead of at their next recheck. Pages on other instances learn it at their recheck
/// (Identity:Session:RevalidateSeconds), and every action they take meanwhile is refused by the
/// services' own role check (Features/Access/ActingPerson).
/// </summary>
public sealed class SessionSignals(ILogger<SessionSignals> logger)
{
    public event Action<SessionEnd>? SessionEnded;

    /// <summary>Tells every open page; one that fails to hear it stops neither the others nor the sign-out.</summary>
    public void Ended(SessionEnd end)
    {
        foreach (var listener in SessionEnded?.GetInvocationList().Cast<Action<SessionEnd>>() ?? [])
        {
            try
            {
                listener(end);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "An open page could not be told that its session ended; it leaves at its next recheck");
            }
        }
    }
}
