using System.Globalization;
using CovidEntry.App.Data;
using CovidEntry.App.Shared;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace CovidEntry.App.Components.Account;

/// <summary>
/// Slows down password, two-factor code and recovery code guessing without letting an outsider lock
/// a real person out (docs/decisions/024). Only failures count, in PostgreSQL so that every instance
/// sees the same numbers:
/// <list type="bullet">
/// <item>per account (the name typed, whether or not it exists, so the throttle reveals nothing),
/// across every address: after a few free failures, each further try waits twice as long as the
/// last, up to a ceiling;</item>
/// <item>per network address (IPv4 address, IPv6 /64): a budget of failures in a window, over all
/// accounts it tries;</item>
/// <item>a browser where the person signed in before carries a device token for that account
/// (<see cref="SignInDevices"/>): its failures count in a bucket of its own and it is exempt from
/// the address budget, so an outsider flooding the account or the office's address delays only
/// browsers the person never signed in from.</item>
/// </list>
/// Page loads, correct sign-ins and signing out use no budget. Identity's lockout counter is not
/// used: a locked-out account is one an admin disabled.
/// </summary>
public sealed class SignInThrottle(
    IDbContextFactory<CovidEntryDbContext> dbFactory,
    SignInDevices devices,
    IOptions<IdentitySettings> settings,
    TimeProvider clock,
    ILogger<SignInThrottle> logger)
{
    /// <summary>
    /// Starts an attempt on the account with this key (<see cref="SignInAccount.Key"/>; null for a
    /// passkey, counted by address only). Unless refused, the attempt is recorded as a failure before
    /// the secret is checked, so attempts made at the same moment count against each other; only
    /// <see cref="SignInAttempt.SucceededAsync"/> takes it back.
    /// </summary>
    public async Task<SignInAttempt> BeginAsync(byte[]? accountKey, HttpContext context, CancellationToken cancellationToken = default)
    {
        var rules = settings.Value.SignInThrottle;
        var now = clock.GetUtcNow();
        var address = ClientAddress.PrefixOf(context);
        var device = accountKey is null ? null : devices.Read(context, accountKey);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // One attempt at a time per account and per address: concurrent guesses cannot all pass
        // the count before any of them is recorded. Taken in a fixed order, so never a deadlock.
        var locks = new List<long> { AdvisoryLocks.SignInThrottle("address:" + address) };
        if (accountKey is not null)
        {
            locks.Add(AdvisoryLocks.SignInThrottle(Convert.ToHexString(accountKey)));
        }

        foreach (var key in locks.Order())
        {
            await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(@key)", cancellationToken, ("key", key, NpgsqlDbType.Bigint));
        }

        DateTimeOffset? accountRetryAt = null;
        if (accountKey is not null)
        {
            var (failures, last) = await AccountFailuresAsync(connection, accountKey, device, now - rules.FailureMemory, cancellationToken);
            accountRetryAt = SignInThrottleRule.AccountRetryAt(failures, last, rules);
        }

        // A known browser is exempt from its network's budget: a colleague's guessing (or an
        // outsider behind the same address) does not keep the person out of their own browser.
        DateTimeOffset? addressRetryAt = null;
        if (device is null)
        {
            var recent = await AddressFailuresAsync(connection, address, now - rules.AddressWindow, rules.AddressFailures, cancellationToken);
            addressRetryAt = SignInThrottleRule.AddressRetryAt(recent, rules);
        }

        var refusal = SignInThrottleRule.Refusal(now, accountRetryAt, addressRetryAt);
        if (refusal is not null)
        {
            await transaction.RollbackAsync(cancellationToken);
            logger.LogWarning("Sign-in attempt from {AddressPrefix} refused for {Seconds} s: too many failures {Scope}",
                address, refusal.Seconds, refusal.ByAddress ? "from the address" : "on the account");
            return new SignInAttempt(this, refusal, 0, accountKey, device, address);
        }

        // Failures older than anything counted are of no more use.
        await ExecuteAsync(connection, """DELETE FROM "SignInFailures" WHERE "OccurredAtUtc" < @cutoff""", cancellationToken,
            ("cutoff", (now - (rules.FailureMemory > rules.AddressWindow ? rules.FailureMemory : rules.AddressWindow)).UtcDateTime, NpgsqlDbType.TimestampTz));
        await using var insert = new NpgsqlCommand("""
            INSERT INTO "SignInFailures" ("AccountKey", "AddressPrefix", "DeviceId", "OccurredAtUtc")
            VALUES (@account, @address, @device, @now) RETURNING "Id"
            """, connection, transaction);
        insert.Parameters.Add(new NpgsqlParameter("account", NpgsqlDbType.Bytea) { Value = (object?)accountKey ?? DBNull.Value });
        insert.Parameters.Add(new NpgsqlParameter("address", NpgsqlDbType.Text) { Value = address });
        insert.Parameters.Add(new NpgsqlParameter("device", NpgsqlDbType.Uuid) { Value = device is { } d ? d : DBNull.Value });
        insert.Parameters.Add(new NpgsqlParameter("now", NpgsqlDbType.TimestampTz) { Value = now.UtcDateTime });
        var id = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
        await transaction.CommitAsync(cancellationToken);
        return new SignInAttempt(this, null, id, accountKey, device, address);
    }

    /// <summary>The right secret: this attempt, and the earlier failures of its bucket from its network, are forgotten.</summary>
    internal async Task ForgetAsync(SignInAttempt attempt, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await connection.OpenAsync(cancellationToken);
        if (attempt.AccountKey is null)
        {
            await ExecuteAsync(connection, """DELETE FROM "SignInFailures" WHERE "Id" = @id""", cancellationToken, ("id", attempt.Id, NpgsqlDbType.Bigint));
            return;
        }

        await ExecuteAsync(connection, """
            DELETE FROM "SignInFailures"
            WHERE "Id" = @id
               OR ("AccountKey" = @account AND "DeviceId" IS NOT DISTINCT FROM @device AND "AddressPrefix" = @address)
            """, cancellationToken,
            ("id", attempt.Id, NpgsqlDbType.Bigint),
            ("account", attempt.AccountKey, NpgsqlDbType.Bytea),
            ("device", attempt.DeviceId is { } d ? d : DBNull.Value, NpgsqlDbType.Uuid),
            ("address", attempt.Address, NpgsqlDbType.Text));
    }

    private static async Task<(int Failures, DateTimeOffset? Last)> AccountFailuresAsync(
        NpgsqlConnection connection, byte[] accountKey, Guid? device, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT count(*), max("OccurredAtUtc") FROM "SignInFailures"
            WHERE "AccountKey" = @account AND "DeviceId" IS NOT DISTINCT FROM @device AND "OccurredAtUtc" > @since
            """, connection);
        command.Parameters.Add(new NpgsqlParameter("account", NpgsqlDbType.Bytea) { Value = accountKey });
        command.Parameters.Add(new NpgsqlParameter("device", NpgsqlDbType.Uuid) { Value = device is { } d ? d : DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("since", NpgsqlDbType.TimestampTz) { Value = since.UtcDateTime });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var count = reader.GetInt64(0);
        DateTimeOffset? last = reader.IsDBNull(1) ? null : new DateTimeOffset(reader.GetDateTime(1), TimeSpan.Zero);
        return ((int)Math.Min(count, int.MaxValue), last);
    }

    /// <summary>The times of the address's newest failures, newest first, at most as many as its budget.</summary>
    private static async Task<IReadOnlyList<DateTimeOffset>> AddressFailuresAsync(
        NpgsqlConnection connection, string address, DateTimeOffset since, int budget, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT "OccurredAtUtc" FROM "SignInFailures"
            WHERE "AddressPrefix" = @address AND "DeviceId" IS NULL AND "OccurredAtUtc" > @since
            ORDER BY "OccurredAtUtc" DESC LIMIT @budget
            """, connection);
        command.Parameters.Add(new NpgsqlParameter("address", NpgsqlDbType.Text) { Value = address });
        command.Parameters.Add(new NpgsqlParameter("since", NpgsqlDbType.TimestampTz) { Value = since.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter("budget", NpgsqlDbType.Integer) { Value = budget });
        var times = new List<DateTimeOffset>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            times.Add(new DateTimeOffset(reader.GetDateTime(0), TimeSpan.Zero));
        }

        return times;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken,
        params (string Name, object Value, NpgsqlDbType Type)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value, type) in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter(name, type) { Value = value });
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

}

/// <summary>An attempt under way: refused (with when to try again), or recorded as a failure until it succeeds.</summary>
public sealed class SignInAttempt
{
    private readonly SignInThrottle _throttle;

    internal SignInAttempt(SignInThrottle throttle, SignInRefusal? refusal, long id, byte[]? accountKey, Guid? deviceId, string address)
    {
        _throttle = throttle;
        Refusal = refusal;
        Id = id;
        AccountKey = accountKey;
        DeviceId = deviceId;
        Address = address;
    }

    /// <summary>Set when the attempt may not be made now; nothing was checked or recorded.</summary>
    public SignInRefusal? Refusal { get; }

    internal long Id { get; }

    internal byte[]? AccountKey { get; }

    internal Guid? DeviceId { get; }

    internal string Address { get; }

    public Task SucceededAsync(CancellationToken cancellationToken = default) =>
        Refusal is null ? _throttle.ForgetAsync(this, cancellationToken) : Task.CompletedTask;
}

/// <summary>Why and for how long an attempt is refused; the same whether or not the account exists.</summary>
public sealed record SignInRefusal(TimeSpan RetryAfter, bool ByAddress)
{
    public int Seconds => Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalSeconds));

    public string Message =>
        $"Too many failed sign-ins {(ByAddress ? "from your network address" : "for this account")}. "
        + $"Try again in {Seconds.ToString(CultureInfo.InvariantCulture)} second{(Seconds == 1 ? "" : "s")}.";
}

/// <summary>The arithmetic of the throttle, apart from its storage.</summary>
public static class SignInThrottleRule
{
    /// <summary>
    /// When the account's bucket may try again after <paramref name="failures"/> recent failures, the
    /// last at <paramref name="last"/>: at once for the free ones, then the first delay, doubling with
    /// each further failure up to the ceiling. Null: now.
    /// </summary>
    public static DateTimeOffset? AccountRetryAt(int failures, DateTimeOffset? last, SignInThrottleSettings rules)
    {
        if (failures < rules.FreeFailures || last is not { } lastFailure)
        {
            return null;
        }

        var doublings = Math.Min(failures - rules.FreeFailures, 40);
        var seconds = Math.Min(rules.FirstDelaySeconds * Math.Pow(2, doublings), rules.MaxDelay.TotalSeconds);
        return lastFailure + TimeSpan.FromSeconds(seconds);
    }

    /// <summary>
    /// When the address may try again, given its newest failures in the window (newest first, at
    /// most the budget): once the budget is spent, when the oldest of them leaves the window. Null: now.
    /// </summary>
    public static DateTimeOffset? AddressRetryAt(IReadOnlyList<DateTimeOffset> newestFirst, SignInThrottleSettings rules) =>
        newestFirst.Count < rules.AddressFailures ? null : newestFirst[rules.AddressFailures - 1] + rules.AddressWindow;

    public static SignInRefusal? Refusal(DateTimeOffset now, DateTimeOffset? accountRetryAt, DateTimeOffset? addressRetryAt)
    {
        var account = accountRetryAt > now ? accountRetryAt - now : null;
        var address = addressRetryAt > now ? addressRetryAt - now : null;
        if (account is null && address is null)
        {
            return null;
        }

        return (address ?? TimeSpan.Zero) >= (account ?? TimeSpan.Zero)
            ? new SignInRefusal(address!.Value, ByAddress: true)
            : new SignInRefusal(account!.Value, ByAddress: false);
    }
}

/// <summary>A sign-in refused by <see cref="SignInThrottle"/>: nothing was checked, and it says when to try again.</summary>
public sealed class ThrottledSignInResult : Microsoft.AspNetCore.Identity.SignInResult
{
    public ThrottledSignInResult(SignInRefusal refusal)
    {
        Refusal = refusal;
    }

    public SignInRefusal Refusal { get; }

    public override string ToString() => "Throttled";
}
