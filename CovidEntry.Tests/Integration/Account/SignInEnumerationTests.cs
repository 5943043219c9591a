using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CovidEntry.App.Components.Account;
using CovidEntry.App.Data;
using CovidEntry.Domain.People;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace CovidEntry.Tests.Integration;

/// <summary>
/// The app as Program.cs runs it, in this process, so a test can count the password hashes it
/// checks (<see cref="MeteredPasswordHasher.VerificationsInstrument"/>) for each attempt.
/// </summary>
public sealed class EnumerationFixture : IAsyncLifetime
{
    private readonly TestDatabase _database = new();
    private MeterListener? _listener;
    private long _verifications;

    public InProcessApp App { get; private set; } = null!;

    public TestDatabase Database => _database;

    /// <summary>Passwords checked against a hash by this app so far.</summary>
    public long Verifications => Interlocked.Read(ref _verifications);

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();

        // Every attempt of the class comes from loopback: the address budget is not what is tested here.
        App = await InProcessApp.StartAsync(_database.ConnectionString, "--Identity:SignInThrottle:AddressFailures=1000");
        var meters = App.Services.GetRequiredService<IMeterFactory>();
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                // Only this app's (other tests run apps in this process too).
                if (instrument.Name == MeteredPasswordHasher.VerificationsInstrument && ReferenceEquals(instrument.Meter.Scope, meters))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _verifications, value));
        _listener.Start();
    }

    public async Task DisposeAsync()
    {
        _listener?.Dispose();
        await App.DisposeAsync();
        await _database.DisposeAsync();
    }
}

/// <summary>
/// No one can learn from the sign-in and set-password pages which addresses have accounts: an
/// existing account, an unknown address, an account with no password yet and a disabled one get
/// the same answer after the same work, throttled or not.
/// </summary>
public sealed partial class SignInEnumerationTests(EnumerationFixture fixture) : IClassFixture<EnumerationFixture>
{
    [Fact]
    public async Task EveryKindOfAccountGetsTheSameAnswerToAWrongPasswordAfterTheSameWork()
    {
        var known = (await fixture.Database.CreatePersonAsync("Kay Known", Roles.Volunteer)).Email;
        var invited = await InvitedWithoutPasswordAsync("Ivy Invited");
        var disabled = await DisabledAsync("Dee Disabled");
        var unknown = $"nobody.{Guid.NewGuid():N}@example.org";

        var answers = new List<(string Who, HttpStatusCode Status, string Body, long Hashes)>();
        foreach (var (who, email, password) in new[]
                 {
                     ("existing account", known, "not the password at all"),
                     ("unknown address", unknown, "not the password at all"),
                     ("invited, no password yet", invited, "not the password at all"),
                     ("disabled account", disabled, "not the password at all"),
                     ("disabled account, right password", disabled, TestDatabase.Password),
                 })
        {
            using var client = fixture.App.NewClient();
            var before = fixture.Verifications;
            var (status, body, _) = await SignInAsync(client, email, password);

            // Nor does the page carry the password back (in caches and the page source).
            Assert.DoesNotContain(password, body, StringComparison.Ordinal);
            answers.Add((who, status, Normalize(body, email), fixture.Verifications - before));
        }

        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.OK, $"{a.Who}: {(int)a.Status}"));
        Assert.All(answers, a => Assert.True(a.Hashes == 1, $"{a.Who}: {a.Hashes} password hashes checked, not 1"));
        Assert.All(answers, a => Assert.Contains(WebEncoded(SignInAnswers.WrongPassword), a.Body));
        var first = answers[0];
        foreach (var other in answers.Skip(1))
        {
            Assert.True(first.Body == other.Body, $"The answer for {other.Who} differs from the one for {first.Who}:\n{FirstDifference(first.Body, other.Body)}");
        }
    }

    [Fact]
    public async Task AThrottledAnswerIsTheSameForAnExistingAndAnUnknownAccount()
    {
        var known = (await fixture.Database.CreatePersonAsync("Tia Throttled", Roles.Volunteer)).Email;
        var unknown = $"nobody.{Guid.NewGuid():N}@example.org";
        var free = new SignInThrottleSettings().FreeFailures;

        var answers = new List<(HttpStatusCode Status, string Body, TimeSpan? RetryAfter, long Hashes)>();
        foreach (var email in new[] { known, unknown })
        {
            using var client = fixture.App.NewClient();
            for (var i = 0; i < free; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await SignInAsync(client, email, $"guess {i}")).Status);
            }

            var before = fixture.Verifications;
            var (status, body, retryAfter) = await SignInAsync(client, email, "one more guess");
            answers.Add((status, Seconds().Replace(Normalize(body, email), "N seconds"), retryAfter, fixture.Verifications - before));
        }

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.TooManyRequests, a.Status));
        Assert.All(answers, a => Assert.NotNull(a.RetryAfter));
        Assert.All(answers, a => Assert.Equal(0, a.Hashes));
        Assert.Contains("Too many failed sign-ins for this account. Try again in N seconds.", answers[0].Body);
        Assert.True(answers[0].Body == answers[1].Body, FirstDifference(answers[0].Body, answers[1].Body));
    }

    [Fact]
    public async Task PasskeySignInOptionsNameNoAccountsPasskeys()
    {
        var (id, email) = await fixture.Database.CreatePersonAsync("Pia Passkey", Roles.Volunteer);
        var credentialId = RandomBytes(32);
        using (var scope = fixture.Database.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var added = await users.AddOrUpdatePasskeyAsync((await users.FindByIdAsync(id))!,
                new UserPasskeyInfo(credentialId, RandomBytes(77), DateTimeOffset.UtcNow, 0, ["internal"], true, false, false, RandomBytes(10), RandomBytes(10)));
            Assert.True(added.Succeeded);
        }

        var forKnown = await PasskeyOptionsAsync(email);
        var forUnknown = await PasskeyOptionsAsync($"nobody.{Guid.NewGuid():N}@example.org");

        Assert.DoesNotContain(WebEncoders.Base64UrlEncode(credentialId), forKnown);
        Assert.Equal(AllowedCredentials(forUnknown), AllowedCredentials(forKnown));
        Assert.Equal(0, AllowedCredentials(forKnown));
    }

    [Fact]
    public async Task TheSetPasswordPageShowsTheAddressOnlyOnceItsLinkIsProvenGood()
    {
        var invited = await InvitedWithoutPasswordAsync("Nia New");
        string userId;
        string goodCode;
        using (var scope = fixture.Database.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = (await users.FindByEmailAsync(invited))!;
            userId = user.Id;
            goodCode = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(await users.GeneratePasswordResetTokenAsync(user)));
        }

        using var client = fixture.App.NewClient();
        var madeUp = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes("CfDJ8made-up-token"));
        foreach (var link in new[]
                 {
                     $"/Account/AcceptInvite?userId={userId}&code={madeUp}",
                     $"/Account/AcceptInvite?userId={userId}&code=%%%",
                     $"/Account/AcceptInvite?userId={Guid.NewGuid()}&code={madeUp}",
                 })
        {
            using var response = await client.GetAsync(link);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/Account/InvalidPasswordReset", new Uri(fixture.App.Address, response.Headers.Location!).AbsolutePath);
            Assert.DoesNotContain(invited, body, StringComparison.OrdinalIgnoreCase);
        }

        using var good = await client.GetAsync($"/Account/AcceptInvite?userId={userId}&code={goodCode}");
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Contains(invited, await good.Content.ReadAsStringAsync());
    }

    private static async Task<(HttpStatusCode Status, string Body, TimeSpan? RetryAfter)> SignInAsync(HttpClient client, string email, string password)
    {
        using var page = await client.GetAsync("/Account/Login");
        var html = await page.Content.ReadAsStringAsync();
        var fields = HiddenInputs().Matches(html).ToDictionary(m => m.Groups["name"].Value, m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        fields["Input.Email"] = email;
        fields["Input.Password"] = password;
        using var response = await client.PostAsync("/Account/Login", new FormUrlEncodedContent(fields));
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.RetryAfter?.Delta);
    }

    private async Task<string> PasskeyOptionsAsync(string username)
    {
        using var client = fixture.App.NewClient();
        var page = await client.GetStringAsync("/Account/Login");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/Account/PasskeyRequestOptions?username={Uri.EscapeDataString(username)}");
        request.Headers.Add("RequestVerificationToken", WebUtility.HtmlDecode(RequestToken().Match(page).Groups["token"].Value));
        using var response = await client.SendAsync(request);
        var json = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, json);
        return json;
    }

    private static int AllowedCredentials(string optionsJson) =>
        JsonDocument.Parse(optionsJson).RootElement.TryGetProperty("allowCredentials", out var allowed) ? allowed.GetArrayLength() : 0;

    private async Task<string> InvitedWithoutPasswordAsync(string name)
    {
        using var scope = fixture.Database.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var email = $"{name.Replace(' ', '.').ToLowerInvariant()}.{Guid.NewGuid():N}@example.org";
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = name, CreatedAtUtc = DateTime.UtcNow };
        Assert.True((await users.CreateAsync(user)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, Roles.Volunteer)).Succeeded);
        return email;
    }

    private async Task<string> DisabledAsync(string name)
    {
        var admin = await fixture.Database.CreateUserAsync("Ada Admin", Roles.Admin);
        var (id, email) = await fixture.Database.CreatePersonAsync(name, Roles.Volunteer);
        await fixture.Database.Get<CovidEntry.App.Features.Admin.UserAdminService>().DisableAsync(id, admin);
        return email;
    }

    /// <summary>The page without what differs on every response anyway (tokens, nonces) and without the address typed, which it echoes.</summary>
    private static string Normalize(string html, string email)
    {
        html = HiddenInputs().Replace(html, m => $"<input type=\"hidden\" name=\"{m.Groups["name"].Value}\" value=\"…\"");
        html = RequestToken().Replace(html, "request-token-value=\"…\"");
        html = Nonce().Replace(html, "nonce=\"…\"");

        // The interactive parts' persisted state, protected with a fresh IV each time: only its size can differ.
        html = PersistedState().Replace(html, m => $"<!--Blazor-Server-Component-State:{m.Groups["state"].Length} bytes-->");
        return html.Replace(WebEncoded(email), "EMAIL", StringComparison.Ordinal).Replace(email, "EMAIL", StringComparison.Ordinal);
    }

    private static string WebEncoded(string text) => System.Text.Encodings.Web.HtmlEncoder.Default.Encode(text);

    private static string FirstDifference(string a, string b)
    {
        var at = Enumerable.Range(0, Math.Min(a.Length, b.Length)).FirstOrDefault(i => a[i] != b[i], Math.Min(a.Length, b.Length));
        var from = Math.Max(0, at - 80);
        return $"…{a.Substring(from, Math.Min(200, a.Length - from))}…\nversus\n…{b.Substring(from, Math.Min(200, b.Length - from))}…";
    }

    private static byte[] RandomBytes(int count) => System.Security.Cryptography.RandomNumberGenerator.GetBytes(count);

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]+)\" value=\"(?<value>[^\"]*)\"")]
    private static partial Regex HiddenInputs();

    [GeneratedRegex("request-token-value=\"(?<token>[^\"]+)\"")]
    private static partial Regex RequestToken();

    [GeneratedRegex("nonce=\"[^\"]*\"")]
    private static partial Regex Nonce();

    [GeneratedRegex("<!--Blazor-Server-Component-State:(?<state>[^-]*)-->")]
    private static partial Regex PersistedState();

    [GeneratedRegex(@"\d+ seconds?")]
    private static partial Regex Seconds();
}
