using System.Net;
using CovidEntry.App.Components.Account;
using CovidEntry.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CovidEntry.Tests.Integration;

/// <summary>
/// The throttle's counting on real PostgreSQL with a clock the test moves: how long each wait is,
/// that it ends, what a correct attempt forgets, a known browser's own bucket, the address window,
/// and guesses made at the same moment.
/// </summary>
public sealed class SignInThrottleStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    private readonly TestDatabase _database = new();
    private readonly MovableClock _clock = new(Start);
    private readonly SignInThrottleSettings _rules = new()
    {
        FreeFailures = 3,
        FirstDelaySeconds = 10,
        MaxDelayMinutes = 1,
        FailureMemoryHours = 24,
        AddressFailures = 8,
        AddressWindowMinutes = 15,
    };

    private SignInThrottle _throttle = null!;
    private SignInDevices _devices = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _devices = new SignInDevices(_database.Services.GetRequiredService<IDataProtectionProvider>(), _clock);
        _throttle = new SignInThrottle(_database.DbFactory, _devices, Options.Create(new IdentitySettings { SignInThrottle = _rules }),
            _clock, NullLogger<SignInThrottle>.Instance);
    }

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task EachFailurePastTheFreeOnesDoublesTheWaitUpToTheCeilingAndTheWaitEnds()
    {
        var account = Account("dana@example.org");
        for (var i = 0; i < _rules.FreeFailures; i++)
        {
            Assert.Null((await BeginAsync(account, "198.51.100.1")).Refusal);
        }

        foreach (var wait in new[] { 10, 20, 40, 60, 60 })
        {
            var refused = (await BeginAsync(account, "198.51.100.1")).Refusal;
            Assert.Equal((wait, false), (refused?.Seconds, refused?.ByAddress));

            _clock.Advance(TimeSpan.FromSeconds(wait - 1));
            Assert.Equal(1, (await BeginAsync(account, "198.51.100.2")).Refusal?.Seconds);

            _clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Null((await BeginAsync(account, "198.51.100.3")).Refusal);
        }
    }

    [Fact]
    public async Task ACorrectAttemptIsNotCountedAndForgetsItsOwnFailures()
    {
        var account = Account("cory@example.org");
        await BeginAsync(account, "198.51.100.10");
        await BeginAsync(account, "198.51.100.10");

        var correct = await BeginAsync(account, "198.51.100.10");
        Assert.Null(correct.Refusal);
        await correct.SucceededAsync();

        Assert.Equal(0, await FailuresAsync(account));
        for (var i = 0; i < _rules.FreeFailures; i++)
        {
            Assert.Null((await BeginAsync(account, "198.51.100.10")).Refusal);
        }

        Assert.NotNull((await BeginAsync(account, "198.51.100.10")).Refusal);
    }

    [Fact]
    public async Task AKnownBrowserHasABucketOfItsOwnAndIsExemptFromItsAddressBudget()
    {
        var account = Account("kim@example.org");
        var own = Request("203.0.113.5");
        _devices.Issue(own, account);
        var known = WithCookieOf(own, "203.0.113.5");

        // An outsider at the same address floods the account and spends the address's budget.
        for (var i = 0; i < _rules.AddressFailures; i++)
        {
            await BeginAsync(i < _rules.FreeFailures ? account : Account($"other{i}@example.org"), "203.0.113.5");
        }

        Assert.True((await BeginAsync(account, "203.0.113.5")).Refusal is { ByAddress: true });
        Assert.True((await BeginAsync(account, "198.51.100.99")).Refusal is { ByAddress: false });

        // The person's own browser is neither.
        var attempt = await _throttle.BeginAsync(account, known);
        Assert.Null(attempt.Refusal);
        await attempt.SucceededAsync();

        // A token for another account, or a forged one, is no token.
        Assert.NotNull((await _throttle.BeginAsync(Account("someone.else@example.org"), WithCookieOf(own, "203.0.113.5"))).Refusal);
        var forged = Request("203.0.113.5");
        forged.Request.Headers.Cookie = $"{SignInDevices.CookieName}=CfDJ8forgedforgedforged";
        Assert.NotNull((await _throttle.BeginAsync(account, forged)).Refusal);
    }

    [Fact]
    public async Task AnAddressMayTryAgainWhenItsOldestFailureLeavesTheWindow()
    {
        for (var i = 0; i < _rules.AddressFailures; i++)
        {
            Assert.Null((await BeginAsync(Account($"spray{i}@example.org"), "2001:db8:5:5::1")).Refusal);
            _clock.Advance(TimeSpan.FromMinutes(1));
        }

        var refused = (await BeginAsync(Account("spray.next@example.org"), "2001:db8:5:5:aaaa::2")).Refusal;
        Assert.True(refused is { ByAddress: true });
        Assert.Equal((int)(_rules.AddressWindow - TimeSpan.FromMinutes(_rules.AddressFailures)).TotalSeconds, refused!.Seconds);

        _clock.Advance(refused.RetryAfter);
        Assert.Null((await BeginAsync(Account("spray.next@example.org"), "2001:db8:5:5:aaaa::2")).Refusal);
    }

    [Fact]
    public async Task FailuresOlderThanTheMemoryAreForgottenAndDeleted()
    {
        var account = Account("old@example.org");
        for (var i = 0; i < _rules.FreeFailures + 1; i++)
        {
            await BeginAsync(account, "198.51.100.20");
        }

        _clock.Advance(_rules.FailureMemory + TimeSpan.FromMinutes(1));

        Assert.Null((await BeginAsync(account, "198.51.100.20")).Refusal);
        Assert.Equal(1, await FailuresAsync(account));
    }

    [Fact]
    public async Task GuessesMadeAtTheSameMomentCannotAllSlipPastTheCount()
    {
        var account = Account("burst@example.org");
        var attempts = await Task.WhenAll(Enumerable.Range(1, 12).Select(i => BeginAsync(account, $"198.51.100.{100 + i}")));

        Assert.Equal(_rules.FreeFailures, attempts.Count(a => a.Refusal is null));
        Assert.Equal(_rules.FreeFailures, await FailuresAsync(account));
    }

    [Fact]
    public void TheLongerOfTwoWaitsIsTheOneGiven()
    {
        var account = SignInThrottleRule.Refusal(Start, Start.AddSeconds(30), Start.AddSeconds(90));
        var address = SignInThrottleRule.Refusal(Start, Start.AddSeconds(90), Start.AddSeconds(30));

        Assert.Equal((90, true), (account!.Seconds, account.ByAddress));
        Assert.Equal((90, false), (address!.Seconds, address.ByAddress));
        Assert.Null(SignInThrottleRule.Refusal(Start, Start, Start.AddSeconds(-1)));
        Assert.Equal("Too many failed sign-ins for this account. Try again in 1 second.", new SignInRefusal(TimeSpan.FromMilliseconds(200), false).Message);
    }

    private Task<SignInAttempt> BeginAsync(byte[] account, string address) => _throttle.BeginAsync(account, Request(address));

    private static byte[] Account(string email) => SignInAccount.Key(email.ToUpperInvariant());

    private static DefaultHttpContext Request(string address)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(address);
        return context;
    }

    /// <summary>A later request from the browser that received <paramref name="earlier"/>'s Set-Cookie.</summary>
    private static DefaultHttpContext WithCookieOf(DefaultHttpContext earlier, string address)
    {
        var setCookie = earlier.Response.Headers.SetCookie.ToString();
        var later = Request(address);
        later.Request.Headers.Cookie = setCookie.Split(';')[0];
        return later;
    }

    private async Task<int> FailuresAsync(byte[] account)
    {
        await using var db = await _database.DbAsync();
        return await db.SignInFailures.CountAsync(f => f.AccountKey == account);
    }

    private sealed class MovableClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
