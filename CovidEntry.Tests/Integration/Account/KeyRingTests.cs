using System.Net;
using System.Security.Claims;
using System.Xml.Linq;
using CovidEntry.App.Components.Account;
using CovidEntry.App.Data;
using CovidEntry.Domain.People;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CovidEntry.Tests.Integration;

/// <summary>The app as configured by default, on a database of its own.</summary>
public sealed class KeyRingApp : RunningApp
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();
}

/// <summary>
/// The sign-in keys live in the database, sealed with a key file that does not. Tried as someone
/// holding a backup: the keys in it open nothing, and a cookie minted from it is refused. Tried as
/// someone who can also write to the database: a key of their own, slipped into the table, is ignored.
/// The same minting with the app's real key file is accepted, which shows the minting is right.
/// </summary>
public class KeyRingTests : IAsyncLifetime
{
    // An app and a database for each test: these tests write keys into the database behind its back.
    private readonly KeyRingApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => _app.DisposeAsync();

    private const string AdminPage = "admin/users";

    [Fact]
    public async Task TheSignInKeysAreStoredSealedWithTheKeyFileAndNeverInPlainText()
    {
        using var visitor = _app.NewClient();
        await SignInAsync(visitor, await _app.CreatePersonAsync("Sealed Keys", Roles.Admin));

        var stored = await StoredKeysAsync();

        Assert.NotEmpty(stored);
        var fingerprint = KeyRingKeys.Read(TestKeys.DataProtectionKeyFile, null).Fingerprint;
        Assert.All(stored, key =>
        {
            Assert.DoesNotContain(key.Descendants(), e => e.Name.LocalName == "masterKey");
            Assert.Equal(fingerprint, (string?)key.Descendants().Single(e => e.Name.LocalName == "sealed").Attribute("keyFile"));
        });
    }

    [Fact]
    public async Task ABackupOfTheDatabaseAloneCannotMintASignInCookieTheAppAccepts()
    {
        var email = await _app.CreatePersonAsync("Backup Victim", Roles.Admin);
        using (var visitor = _app.NewClient())
        {
            // A real sign-in, so that the app has made its keys.
            await SignInAsync(visitor, email);
        }

        var appsKey = KeyIdOf((await StoredKeysAsync())[0]);

        // Someone holding the data: the app's own code and everything in the database, but a key
        // file of their own, since the app's is not in the database.
        var keyFile = Path.Combine(Directory.CreateTempSubdirectory("covidentry-tests-attacker-").FullName, "key");
        KeyRingKeys.WriteNewKeyFile(keyFile);
        await using (var attacker = TestApp.Build(_app.ConnectionString, new Dictionary<string, string?> { ["DataProtection:KeyFile"] = keyFile }))
        {
            Assert.ThrowsAny<Exception>(() => attacker.Services.GetRequiredService<IKeyManager>().GetAllKeys().Single(k => k.KeyId == appsKey).CreateEncryptor());
            Assert.Equal(HttpStatusCode.Found, await OpenAdminPageAsync(await MintCookieAsync(attacker.Services, email)));
        }

        // The same minting with the app's key file is a cookie the app takes.
        await using var holder = TestApp.Build(_app.ConnectionString);
        Assert.Equal(HttpStatusCode.OK, await OpenAdminPageAsync(await MintCookieAsync(holder.Services, email)));
    }

    [Fact]
    public async Task AKeyWrittenIntoTheDatabaseBehindTheAppsBackIsIgnored()
    {
        var email = await _app.CreatePersonAsync("Write Victim", Roles.Admin);
        using (var visitor = _app.NewClient())
        {
            await SignInAsync(visitor, email);
        }

        // Someone who can write to the database: the app's code with a key ring of their own, in plain text.
        var keys = new InMemoryKeys([]);
        await using var attacker = TestApp.Build(_app.ConnectionString, configure: services =>
            services.PostConfigure<KeyManagementOptions>(options =>
            {
                options.XmlRepository = keys;
                options.XmlEncryptor = null;
            }));
        var forged = await MintCookieAsync(attacker.Services, email);
        var attackersKey = keys.GetAllElements().Single();
        Assert.Contains("masterKey", attackersKey.ToString(), StringComparison.Ordinal);

        await using (var db = new CovidEntryDbContext(new DbContextOptionsBuilder<CovidEntryDbContext>()
            .UseNpgsql(TestCluster.AsRole(_app.ConnectionString, DatabaseRole.Super)).Options))
        {
            db.DataProtectionKeys.Add(new Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey
            {
                FriendlyName = "key-" + (string)attackersKey.Attribute("id")!,
                Xml = attackersKey.ToString(SaveOptions.DisableFormatting),
            });
            await db.SaveChangesAsync();
        }

        Assert.Equal(HttpStatusCode.Found, await OpenAdminPageAsync(forged));
    }

    private async Task SignInAsync(AccountClient visitor, string email)
    {
        var response = await visitor.SignInAsync(email, RunningApp.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.NotNull(visitor.SignInCookieValue);
        Assert.Equal(HttpStatusCode.OK, (await visitor.Http.GetAsync(AdminPage)).StatusCode);
    }

    private async Task<IReadOnlyList<XElement>> StoredKeysAsync()
    {
        await using var db = new CovidEntryDbContext(new DbContextOptionsBuilder<CovidEntryDbContext>()
            .UseNpgsql(TestCluster.AsRole(_app.ConnectionString, DatabaseRole.Super)).Options);
        return (await db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml!).ToListAsync()).Select(XElement.Parse).ToList();
    }

    private static Guid KeyIdOf(XElement key) => Guid.Parse((string)key.Attribute("id")!);

    /// <summary>
    /// A sign-in cookie for <paramref name="email"/> as the app's cookie handler writes it, with the
    /// data protection and session store of <paramref name="services"/>: everything a cookie holds
    /// (id, name, roles, security stamp) is in the database.
    /// </summary>
    private static async Task<string> MintCookieAsync(IServiceProvider services, string email)
    {
        using var scope = services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<ApplicationUser>>()
            .CreateAsync((await users.FindByEmailAsync(email))!);
        var now = DateTimeOffset.UtcNow;
        SessionLifetime.Stamp(principal, now);
        var properties = new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = now.AddHours(1) };
        properties.Items[SessionLifetime.SignedInAtItem] = SessionLifetime.Format(now);
        var ticket = new AuthenticationTicket(principal, properties, IdentityConstants.ApplicationScheme);

        var cookies = services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(IdentityConstants.ApplicationScheme);
        if (cookies.SessionStore is { } store)
        {
            // As the cookie handler does: the ticket goes to the store, the cookie carries its key.
            var key = await store.StoreAsync(ticket);
            ticket = new AuthenticationTicket(
                new ClaimsPrincipal(new ClaimsIdentity([new Claim("Microsoft.AspNetCore.Authentication.Cookies-SessionId", key, ClaimValueTypes.String, cookies.ClaimsIssuer)], cookies.ClaimsIssuer)),
                null, IdentityConstants.ApplicationScheme);
        }

        return cookies.TicketDataFormat.Protect(ticket);
    }

    private async Task<HttpStatusCode> OpenAdminPageAsync(string cookie)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(_app.BaseUrl + "/") };
        using var request = new HttpRequestMessage(HttpMethod.Get, AdminPage);
        request.Headers.Add("Cookie", $"{AccountClient.SignInCookie}={cookie}");
        using var response = await http.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.Found)
        {
            Assert.Contains("/Account/Login", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }

        return response.StatusCode;
    }

    private sealed class InMemoryKeys(IReadOnlyList<XElement> keys) : IXmlRepository
    {
        private readonly List<XElement> _elements = [.. keys];

        public IReadOnlyCollection<XElement> GetAllElements()
        {
            lock (_elements)
            {
                return _elements.ToList();
            }
        }

        public void StoreElement(XElement element, string friendlyName)
        {
            lock (_elements)
            {
                _elements.Add(element);
            }
        }
    }
}
