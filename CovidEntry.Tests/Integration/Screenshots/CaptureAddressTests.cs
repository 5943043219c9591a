using CovidEntry.App.Features.Jurisdictions;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CovidEntry.App.Features.Screenshots;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CovidEntry.Tests.Integration;

/// <summary>A DNS server a test scripts: each name answers what the test says, and the test can change the answer at any moment.</summary>
public sealed class ScriptedResolver : IHostResolver
{
    private readonly ConcurrentDictionary<string, IPAddress[]> _answers = new(StringComparer.OrdinalIgnoreCase);

    public void Answer(string name, params string[] addresses) => _answers[name] = [.. addresses.Select(IPAddress.Parse)];

    public Task<IReadOnlyList<IPAddress>> ResolveAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<IPAddress>>(_answers.TryGetValue(name, out var answer) ? answer : []);
}

/// <summary>
/// The address rules with one exception a test needs: 127.0.0.2 stands in for a public web site,
/// since there is no internet here. Everything else is judged exactly as in production
/// (private targets not allowed), so 127.0.0.1 is the private host the site tries to reach.
/// </summary>
public sealed class OnePublicLoopbackAddress(IHostResolver resolver)
    : CaptureTargets(resolver, Options.Create(new ScreenshotSettings()))
{
    public static readonly IPAddress Site = IPAddress.Parse("127.0.0.2");

    protected override string? RefusalFor(IPAddress address) => address.Equals(Site) ? null : base.RefusalFor(address);
}

/// <summary>
/// A "public" site on 127.0.0.2 and a private one on 127.0.0.1 at the same port (as an intranet
/// host behind the server would be), and two capturers: one that takes 127.0.0.2 for public, and
/// one with the rules exactly as shipped.
/// </summary>
public sealed class CaptureAddressFixture : IAsyncLifetime
{
    public const string Secret = "/secret";

    public LocalPages Site { get; private set; } = null!;
    public LocalPages Intranet { get; private set; } = null!;
    public ScriptedResolver Resolver { get; } = new();
    public CaptureProxy Proxy { get; private set; } = null!;
    public PageCapturer Capturer { get; private set; } = null!;
    public PageCapturer AsShipped { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // The intranet host at the site's port, so a same-origin request that DNS rebinds lands on it.
        for (var attempt = 0; ; attempt++)
        {
            Site = await LocalPages.StartAsync("127.0.0.2");
            try
            {
                Intranet = await LocalPages.StartAsync("127.0.0.1", Site.Port);
                break;
            }
            catch (IOException) when (attempt < 10)
            {
                await Site.DisposeAsync();
            }
        }

        Intranet.Html(Secret, LocalPages.Document("Intranet", "<h1>Salaries and database passwords</h1>"));
        var targets = new OnePublicLoopbackAddress(Resolver);
        var settings = Options.Create(new ScreenshotSettings());
        Proxy = new CaptureProxy(targets, NullLogger<CaptureProxy>.Instance);
        Capturer = new PageCapturer(settings, Proxy, targets, NullLogger<PageCapturer>.Instance);
        var shipped = new CaptureTargets(Resolver, settings);
        AsShipped = new PageCapturer(settings, new CaptureProxy(shipped, NullLogger<CaptureProxy>.Instance), shipped, NullLogger<PageCapturer>.Instance);
    }

    public async Task DisposeAsync()
    {
        await Capturer.DisposeAsync();
        await AsShipped.DisposeAsync();
        await Proxy.DisposeAsync();
        await Site.DisposeAsync();
        await Intranet.DisposeAsync();
    }
}

/// <summary>
/// Attacks on the capture service's reach, with real Chromium through the real proxy: every way a
/// public page can make the server's browser ask for a private address is refused, naming it, and
/// the private host never sees a request.
/// </summary>
public sealed class CaptureAddressTests(CaptureAddressFixture fixture) : IClassFixture<CaptureAddressFixture>
{
    private static readonly TimeSpan Enough = TimeSpan.FromSeconds(20);

    private const string Done = "<script>function done() { document.body.insertAdjacentHTML('beforeend', '<p id=\"done\">done</p>'); }</script>";

    private LocalPages Site => fixture.Site;

    private int Port => Site.Port;

    private string Secret(string host = "127.0.0.1", string scheme = "http") => $"{scheme}://{host}:{Port}{CaptureAddressFixture.Secret}";

    [Fact]
    public async Task APageOnTheStandInPublicAddressIsCaptured()
    {
        var shot = await fixture.Capturer.CaptureAsync(Recipe(Site.Url(LocalPages.Table)), Enough, CancellationToken.None);

        Assert.Equal("Testland cases", shot.Title);
        Assert.True(Png.HasSignature(shot.Png));
    }

    [Theory]
    [InlineData("127.0.0.1", "http://127.0.0.1:{0}/secret, a loopback address (this machine)")]
    [InlineData("2130706433", "http://127.0.0.1:{0}/secret, a loopback address (this machine)")]
    [InlineData("0x7f.1", "http://127.0.0.1:{0}/secret, a loopback address (this machine)")]
    [InlineData("017700000001", "http://127.0.0.1:{0}/secret, a loopback address (this machine)")]
    [InlineData("127.1", "http://127.0.0.1:{0}/secret, a loopback address (this machine)")]
    [InlineData("[::ffff:127.0.0.1]", "http://[::ffff:127.0.0.1]:{0}/secret, an IPv6 address wrapping 127.0.0.1, a loopback address (this machine)")]
    [InlineData("[::1]", "http://[::1]:{0}/secret, a loopback address (this machine)")]
    [InlineData("localhost", "http://localhost:{0}/secret, which resolves to 127.0.0.1, a loopback address (this machine)")]
    [InlineData("169.254.169.254", "http://169.254.169.254:{0}/secret, a link-local address (where cloud metadata services answer)")]
    [InlineData("10.0.0.5", "http://10.0.0.5:{0}/secret, a private network address")]
    [InlineData("intranet.test", "http://intranet.test:{0}/secret, which resolves to 127.0.0.1, a loopback address (this machine)")]
    public async Task ARedirectToAPrivateAddressInAnySpellingIsRefusedNamingIt(string host, string named)
    {
        fixture.Resolver.Answer("intranet.test", "127.0.0.1");
        var path = "/redirect-" + Guid.NewGuid().ToString("N");
        Site.Redirect(path, Secret(host));
        var before = fixture.Intranet.Requests(CaptureAddressFixture.Secret);

        var failure = await Assert.ThrowsAsync<CaptureFailedException>(() =>
            fixture.Capturer.CaptureAsync(Recipe(Site.Url(path)), Enough, CancellationToken.None));

        Assert.True(failure.Refused);
        Assert.Equal($"The page asked for {string.Format(System.Globalization.CultureInfo.InvariantCulture, named, Port)}: captures only reach public internet addresses.", failure.Message);
        Assert.Equal(before, fixture.Intranet.Requests(CaptureAddressFixture.Secret));
    }

    public static TheoryData<string, string, string?> Subresources() => new()
    {
        { "an iframe", "<iframe src=\"{secret}\"></iframe>", null },
        { "an image", "<img src=\"{secret}\" alt=\"\">", null },
        { "an image over https", "<img src=\"{https}\" alt=\"\">", null },
        { "a script", "<script src=\"{secret}\"></script>", null },
        { "a stylesheet", "<link rel=\"stylesheet\" href=\"{secret}\">", null },
        { "a fetch", Done + "<script>fetch('{secret}').catch(() => {}).finally(done);</script>", "#done" },
        { "an XMLHttpRequest", Done + "<script>const r = new XMLHttpRequest(); r.onloadend = done; r.open('GET', '{secret}'); r.send();</script>", "#done" },
        { "a WebSocket", Done + "<script>const s = new WebSocket('{ws}'); s.onclose = done;</script>", "#done" },
        { "a beacon", Done + "<script>navigator.sendBeacon('{secret}', 'x'); setTimeout(done, 300);</script>", "#done" },
        { "a form posted by script", "<form id=\"f\" method=\"post\" action=\"{secret}\"></form><script>document.getElementById('f').submit();</script>", null },
        { "a script navigation", "<script>location.href = '{secret}';</script>", null },
        { "a meta refresh", "<meta http-equiv=\"refresh\" content=\"0; url={secret}\">", null },
    };

    [Theory]
    [MemberData(nameof(Subresources))]
    public async Task AnythingThePageLoadsFromAPrivateAddressIsRefusedAndTheCaptureFails(string what, string html, string? waitFor)
    {
        var path = "/page-" + Guid.NewGuid().ToString("N");
        var body = html.Replace("{secret}", Secret(), StringComparison.Ordinal)
            .Replace("{https}", Secret(scheme: "https"), StringComparison.Ordinal)
            .Replace("{ws}", Secret(scheme: "ws"), StringComparison.Ordinal);
        Site.Html(path, LocalPages.Document("Dashboard", "<h1 style=\"background:#1f4e79;color:#fff\">Cases 1,234</h1>" + body));
        var before = fixture.Intranet.Requests(CaptureAddressFixture.Secret);

        var failure = await Assert.ThrowsAsync<CaptureFailedException>(() =>
            fixture.Capturer.CaptureAsync(Recipe(Site.Url(path)) with { WaitForSelector = waitFor }, Enough, CancellationToken.None));

        Assert.True(failure.Refused, $"{what}: {failure.Message}");
        Assert.Matches($@"^The page asked for (http|https)://127\.0\.0\.1:{Port}/(secret)?, a loopback address \(this machine\): captures only reach public internet addresses\.$", failure.Message);
        Assert.Equal(before, fixture.Intranet.Requests(CaptureAddressFixture.Secret));
    }

    [Fact]
    public async Task ANameThatRebindsToAPrivateAddressAfterThePageLoadedIsRefused()
    {
        // The attacker's DNS answers the public site for the page, then the intranet host for the
        // same name, so the page's same-origin fetch would reach the intranet (DNS rebinding).
        fixture.Resolver.Answer("rebind.test", "127.0.0.2");
        Site.Route("/rebind", async context =>
        {
            fixture.Resolver.Answer("rebind.test", "127.0.0.1");
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync(LocalPages.Document("Dashboard",
                "<h1>Cases 1,234</h1>" + Done + "<script>fetch('/secret').catch(() => {}).finally(done);</script>"));
        });
        var before = fixture.Intranet.Requests(CaptureAddressFixture.Secret);

        var failure = await Assert.ThrowsAsync<CaptureFailedException>(() =>
            fixture.Capturer.CaptureAsync(Recipe($"http://rebind.test:{Port}/rebind") with { WaitForSelector = "#done" }, Enough, CancellationToken.None));

        Assert.True(failure.Refused);
        // The page's fetch, or the browser's own request for the icon, whichever came first after the rebinding.
        Assert.Matches($@"^The page asked for http://rebind\.test:{Port}/(secret|favicon\.ico), which resolves to 127\.0\.0\.1, a loopback address \(this machine\): captures only reach public internet addresses\.$", failure.Message);
        Assert.Equal(before, fixture.Intranet.Requests(CaptureAddressFixture.Secret));
        Assert.Equal(1, Site.Requests("/rebind"));
    }

    [Fact]
    public async Task ANameWithOnePublicAndOnePrivateAddressIsRefused()
    {
        fixture.Resolver.Answer("mixed.test", "127.0.0.2", "127.0.0.1");

        var failure = await Assert.ThrowsAsync<CaptureFailedException>(() =>
            fixture.Capturer.CaptureAsync(Recipe($"http://mixed.test:{Port}/table"), Enough, CancellationToken.None));

        Assert.True(failure.Refused);
        Assert.Equal($"The page asked for http://mixed.test:{Port}/table, which resolves to 127.0.0.1, a loopback address (this machine): captures only reach public internet addresses.", failure.Message);
    }

    [Theory]
    [InlineData("http://127.0.0.2:{0}/table", "http://127.0.0.2:{0}/table, a loopback address (this machine)")]
    [InlineData("http://localhost:{0}/table", "http://localhost:{0}/table, which resolves to 127.0.0.1, a loopback address (this machine)")]
    [InlineData("http://0.0.0.0:{0}/table", "http://0.0.0.0:{0}/table, an unspecified address (which means this machine)")]
    [InlineData("http://0x7f000002:{0}/table", "http://127.0.0.2:{0}/table, a loopback address (this machine)")]
    [InlineData("http://[::ffff:7f00:2]:{0}/table", "http://[::ffff:127.0.0.2]:{0}/table, an IPv6 address wrapping 127.0.0.2, a loopback address (this machine)")]
    [InlineData("http://site.test:{0}/table", "http://site.test:{0}/table, which resolves to 127.0.0.2, a loopback address (this machine)")]
    public async Task AsShippedEvenTheStandInSiteIsRefusedBeforeTheBrowserOpensIt(string url, string named)
    {
        fixture.Resolver.Answer("site.test", "127.0.0.2");
        var before = Site.Requests(LocalPages.Table);
        var address = string.Format(System.Globalization.CultureInfo.InvariantCulture, url, Port);

        var failure = await Assert.ThrowsAsync<CaptureFailedException>(() =>
            fixture.AsShipped.CaptureAsync(Recipe(address), Enough, CancellationToken.None));

        Assert.True(failure.Refused);
        Assert.Equal($"The page asked for {string.Format(System.Globalization.CultureInfo.InvariantCulture, named, Port)}: captures only reach public internet addresses.", failure.Message);
        Assert.Equal(before, Site.Requests(LocalPages.Table));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("capture-0000:not-the-password")]
    public async Task TheProxyIsNoRelayForAnythingButACaptureWithItsCredential(string? credential)
    {
        var before = Site.Requests(LocalPages.Table);
        var proxy = new Uri(fixture.Proxy.Address);
        using var client = new TcpClient();
        await client.ConnectAsync(proxy.Host, proxy.Port);
        await using var stream = client.GetStream();
        var authorization = credential is null ? "" : $"Proxy-Authorization: Basic {Convert.ToBase64String(Encoding.UTF8.GetBytes(credential))}\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {Site.Url(LocalPages.Table)} HTTP/1.1\r\nHost: 127.0.0.2:{Port}\r\n{authorization}\r\n"));

        var answer = await new StreamReader(stream).ReadLineAsync();

        Assert.Equal("HTTP/1.1 407 Proxy Authentication Required", answer);
        Assert.Equal(before, Site.Requests(LocalPages.Table));
    }

    [Theory]
    [InlineData("http://127.0.0.1/", "127.0.0.1 is a loopback address (this machine)")]
    [InlineData("http://2130706433/", "127.0.0.1 is a loopback address (this machine)")]
    [InlineData("http://0x7f.1:8080/", "127.0.0.1 is a loopback address (this machine)")]
    [InlineData("https://[::1]/", "[::1] is a loopback address (this machine)")]
    [InlineData("http://[::ffff:10.0.0.1]/", "[::ffff:10.0.0.1] is an IPv6 address wrapping 10.0.0.1, a private network address")]
    [InlineData("http://0.0.0.0/", "0.0.0.0 is an unspecified address (which means this machine)")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address (where cloud metadata services answer)")]
    [InlineData("http://192.168.0.1/", "192.168.0.1 is a private network address")]
    [InlineData("http://100.64.1.1/", "100.64.1.1 is a carrier-grade NAT address (a provider's private network)")]
    [InlineData("http://localhost:5432/", "localhost resolves to 127.0.0.1, a loopback address (this machine)")]
    [InlineData("http://LocalHost./", "localhost resolves to 127.0.0.1, a loopback address (this machine)")]
    [InlineData("http://admin.localhost/", "admin.localhost resolves to 127.0.0.1, a loopback address (this machine)")]
    [InlineData("http://intranet.test/", "intranet.test resolves to 10.1.2.3, a private network address")]
    public async Task TheSourceFormRefusesAnAddressThatIsNotPublicAtTheAddressField(string url, string explanation)
    {
        fixture.Resolver.Answer("intranet.test", "10.1.2.3");
        var validator = new SourceFormValidator(new CaptureTargets(fixture.Resolver, Options.Create(new ScreenshotSettings())));

        var messages = await validator.ValidateValue(new SourceForm { Label = "Dashboard", Url = url }, nameof(SourceForm.Url));

        Assert.Equal($"Captures only reach public internet addresses: {explanation}. Give the page's public address.", Assert.Single(messages));
    }

    [Fact]
    public async Task TheSourceFormSaysWhenANameDoesNotResolveAndAcceptsAPublicOne()
    {
        fixture.Resolver.Answer("health.example", "93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946");
        var validator = new SourceFormValidator(new CaptureTargets(fixture.Resolver, Options.Create(new ScreenshotSettings())));

        Assert.Empty(await validator.ValidateValue(new SourceForm { Url = "https://health.example/covid" }, nameof(SourceForm.Url)));
        Assert.Equal(
            "This address cannot be captured: the name nowhere.example could not be found (DNS knows no address for it). Check it in a browser.",
            Assert.Single(await validator.ValidateValue(new SourceForm { Url = "https://nowhere.example/" }, nameof(SourceForm.Url))));
        Assert.Equal(
            "Enter the page's address, starting with http:// or https://.",
            Assert.Single(await validator.ValidateValue(new SourceForm { Url = "file:///etc/passwd" }, nameof(SourceForm.Url))));
    }

    [Fact]
    public async Task ANameThatWasPublicWhenSavedAndRebindsBeforeTheCaptureIsRefusedAtCaptureTime()
    {
        fixture.Resolver.Answer("later.test", "127.0.0.2");
        var validator = new SourceFormValidator(new OnePublicLoopbackAddress(fixture.Resolver));
        var url = $"http://later.test:{Port}{CaptureAddressFixture.Secret}";
        Assert.Empty(await validator.ValidateValue(new SourceForm { Url = url }, nameof(SourceForm.Url)));
        var before = fixture.Intranet.Requests(CaptureAddressFixture.Secret);

        fixture.Resolver.Answer("later.test", "127.0.0.1");
        var failure = await Assert.ThrowsAsync<CaptureFailedException>(() => fixture.Capturer.CaptureAsync(Recipe(url), Enough, CancellationToken.None));

        Assert.True(failure.Refused);
        Assert.Equal($"The page asked for {url}, which resolves to 127.0.0.1, a loopback address (this machine): captures only reach public internet addresses.", failure.Message);
        Assert.Equal(before, fixture.Intranet.Requests(CaptureAddressFixture.Secret));
    }

    private static CaptureRecipe Recipe(string url) =>
        new(url, 800, 600, WaitForSelector: null, WaitMilliseconds: 0, ClickSelectors: [], HideSelectors: [], ElementSelector: null);
}
