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

/// <summary>The app as configured by default, on a database of its own (these tests write keys into it behind its back).</summary>
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
public class KeyRingTests(KeyRingApp app) : IClassFixture<KeyRingApp>
{
    private const string AdminPage = "admin/users";

    [Fact]
    public async Task TheSignInKeysAreStoredSealedWithTheKeyFileAndNeverInPlainText()
    {
        using var visitor = app.NewClient();
        await SignInAsync(visitor, await app.CreatePersonAsync("Sealed Keys", Roles.Admin));

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
        var email = await app.CreatePersonAsync("Backup Victim", Roles.Admin);
        using (var visitor = app.NewClient())
        {
            // A real sign-in, so that the app has made its keys.
            await SignInAsync(visitor, email);
        }

        var dump = await StoredKeysAsync();

        // Someone holding the backup: the app's own code and the keys in the dump, no key file.
        var attacker = DataProtectionFrom(dump);
        Assert.ThrowsAny<Exception>(() => attacker.GetRequiredService<IKeyManager>().GetAllKeys().Single(k => k.KeyId == KeyIdOf(dump[0])).CreateEncryptor());
        Assert.Equal(HttpStatusCode.Found, await OpenAdminPageAsync(await MintCookieAsync(attacker, email)));

        // The same minting with the app's key file is a cookie the app takes.
        await using var holder = TestApp.Build(app.ConnectionString);
        Assert.Equal(HttpStatusCode.OK, await OpenAdminPageAsync(await MintCookieAsync(holder.Services, email)));
    }

    [Fact]
    public async Task AKeyWrittenIntoTheDatabaseBehindTheAppsBackIsIgnored()
    {
        var email = await app.CreatePersonAsync("Write Victim", Roles.Admin);
        using (var visitor = app.NewClient())
        {
            await SignInAsync(visitor, email);
        }

        var attacker = DataProtectionFrom([]);
        var forged = await MintCookieAsync(attacker, email);
        var attackersKey = attacker.GetRequiredService<IOptions<KeyManagementOptions>>().Value.XmlRepository!.GetAllElements().Single();
        Assert.Contains("masterKey", attackersKey.ToString(), StringComparison.Ordinal);

        await using (var db = new CovidEntryDbContext(new DbContextOptionsBuilder<CovidEntryDbContext>()
            .UseNpgsql(TestCluster.AsRole(app.ConnectionString, DatabaseRole.Super)).Options))
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
            .UseNpgsql(TestCluster.AsRole(app.ConnectionString, DatabaseRole.Super)).Options);
        return (await db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml!).ToListAsync()).Select(XElement.Parse).ToList();
    }

    private static Guid KeyIdOf(XElement key) => Guid.Parse((string)key.Attribute("id")!);

    /// <summary>Data protection as an attacker builds it: the app's name and the given key elements, in memory.</summary>
    private static ServiceProvider DataProtectionFrom(IReadOnlyList<XElement> keys)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDataProtection().SetApplicationName("CovidEntry");
        services.Configure<KeyManagementOptions>(options => options.XmlRepository = new InMemoryKeys(keys));
        services.AddAuthentication().AddCookie(IdentityConstants.ApplicationScheme);
        return services.BuildServiceProvider();
    }

    /// <summary>A sign-in cookie for <paramref name="email"/> as the app's cookie handler would write it, from <paramref name="keys"/>' data protection.</summary>
    private async Task<string> MintCookieAsync(IServiceProvider keys, string email)
    {
        // Everything a cookie holds is in the database: the person's id, name, roles and security stamp.
        await using var reader = TestApp.Build(app.ConnectionString);
        using var scope = reader.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<ApplicationUser>>()
            .CreateAsync((await users.FindByEmailAsync(email))!);
        var now = DateTimeOffset.UtcNow;
        SessionLifetime.Stamp(principal, now);
        var properties = new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = now.AddHours(1) };
        properties.Items[SessionLifetime.SignedInAtItem] = SessionLifetime.Format(now);

        var cookies = keys.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(IdentityConstants.ApplicationScheme);
        return cookies.TicketDataFormat.Protect(new AuthenticationTicket(principal, properties, IdentityConstants.ApplicationScheme));
    }

    private async Task<HttpStatusCode> OpenAdminPageAsync(string cookie)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(app.BaseUrl + "/") };
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
