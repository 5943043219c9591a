using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using CovidEntry.App.Features.Exports;
using CovidEntry.App.Features.Snapshots;
using Microsoft.Extensions.DependencyInjection;

namespace CovidEntry.Tests.Integration;

/// <summary>
/// The public files made once per change and served like static files (docs/decisions/032): each
/// HTTP behaviour a static file server has, and what a rebuild may and may not show.
/// </summary>
public class PublicFileHttpTests : IAsyncLifetime
{
    private const string StatesCsv = "/api/v1/states/daily.csv";

    private static readonly Dictionary<string, string?> Settings = new()
    {
        // Test moments are seconds old; production waits 15 minutes before an as-of moment is final.
        ["PublicFiles:AsOfSettleMinutes"] = "0",
        ["PublicFiles:CacheMegabytes"] = "2",
    };

    private readonly TestDatabase _database = new();
    private PublicApi _api = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _api = await PublicApi.StartAsync(_database.ConnectionString, Settings);
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task EveryMadeFileIsByteForByteTheFileStreamedFromTheDatabase()
    {
        await _database.ImportCtpAsync(File.ReadAllText(CtpSample.HistoryFile));
        await _api.FreshAsync();
        var set = _api.Store.Current!;
        using var scope = _api.Services.CreateScope();
        var live = scope.ServiceProvider.GetRequiredService<LiveFiles>();
        var codes = CtpSample.TotalTestRules().Keys.ToList();

        var expected = new List<(LiveFileKind Kind, string Format, string? State)>();
        foreach (var format in new[] { "csv", "json" })
        {
            expected.AddRange([(LiveFileKind.StatesDaily, format, null), (LiveFileKind.Current, format, null), (LiveFileKind.UsDaily, format, null), (LiveFileKind.StatesInfo, format, null)]);
            expected.AddRange(codes.Select(code => (LiveFileKind.StateDaily, format, (string?)code)));
        }

        expected.AddRange(codes.Select(code => (LiveFileKind.StateDailyV2, "json", (string?)code)));
        foreach (var (kind, format, state) in expected)
        {
            var made = set.Find(LiveFiles.Path(kind, format, state));
            Assert.True(made is not null, $"{kind} {format} {state} was not made");
            var streamed = await live.FromDatabaseAsync(kind, format, state, null, CancellationToken.None);
            Assert.True(streamed!.SequenceEqual(made.Content), $"{made.Path} differs from the file streamed from the database");
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(streamed!)), made.Sha256);
        }

        Assert.Equal(expected.Count, set.Files.Count);
    }

    [Fact]
    public async Task HeadAnswersWhatGetWouldWithoutTheBody()
    {
        await _database.ImportCtpAsync(File.ReadAllText(CtpSample.HistoryFile));
        var full = await _api.Http.GetByteArrayAsync(StatesCsv);

        using var head = await _api.RawHttp.SendAsync(new HttpRequestMessage(HttpMethod.Head, StatesCsv));
        using var get = await _api.RawHttp.GetAsync(StatesCsv);

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(full.Length, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        Assert.Equal(get.Headers.ETag, head.Headers.ETag);
        Assert.Equal(get.Content.Headers.LastModified, head.Content.Headers.LastModified);
        Assert.Equal("bytes", Assert.Single(head.Headers.AcceptRanges));
        Assert.Equal("text/csv; charset=utf-8", head.Content.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task ARangeIsOfTheFileAsItIsAndAbsurdOrManyRangesCostNothing()
    {
        await _database.ImportCtpAsync(File.ReadAllText(CtpSample.HistoryFile));
        var full = await _api.Http.GetByteArrayAsync(StatesCsv);

        using var middle = await SendAsync(StatesCsv, r =>
        {
            r.Headers.Range = new RangeHeaderValue(100, 199);
            r.Headers.AcceptEncoding.ParseAdd("gzip, br");
        });
        using var tail = await SendAsync(StatesCsv, r => r.Headers.Range = new RangeHeaderValue(null, 50));
        using var beyond = await SendAsync(StatesCsv, r => r.Headers.Range = new RangeHeaderValue(full.Length + 1_000_000L, null));
        using var many = await SendAsync(StatesCsv, r => r.Headers.TryAddWithoutValidation("Range", "bytes=" + string.Join(',', Enumerable.Range(0, 2_000).Select(i => $"{i * 2}-{i * 2}"))));

        Assert.Equal(HttpStatusCode.PartialContent, middle.StatusCode);
        Assert.Empty(middle.Content.Headers.ContentEncoding);
        Assert.Equal($"bytes 100-199/{full.Length}", middle.Content.Headers.ContentRange!.ToString());
        Assert.Equal(full[100..200], await middle.Content.ReadAsByteArrayAsync());
        Assert.Equal(full[^50..], await tail.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, beyond.StatusCode);
        Assert.Equal($"bytes */{full.Length}", beyond.Content.Headers.ContentRange!.ToString());

        // Many ranges are not served piece by piece: the whole file, once.
        Assert.Equal(HttpStatusCode.OK, many.StatusCode);
        Assert.Equal(full, await many.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task AConditionalRequestForTheSameFormIsAnswered304AndAWrongPreconditionWith412()
    {
        await _database.ImportCtpAsync(File.ReadAllText(CtpSample.HistoryFile));
        await _api.FreshAsync();
        using var plain = await _api.RawHttp.GetAsync(StatesCsv);
        using var gzipped = await SendAsync(StatesCsv, r => r.Headers.AcceptEncoding.ParseAdd("gzip"));

        using var sameTag = await SendAsync(StatesCsv, r => r.Headers.IfNoneMatch.Add(plain.Headers.ETag!));
        using var sameGzipTag = await SendAsync(StatesCsv, r =>
        {
            r.Headers.AcceptEncoding.ParseAdd("gzip");
            r.Headers.IfNoneMatch.Add(gzipped.Headers.ETag!);
        });
        using var unchangedSince = await SendAsync(StatesCsv, r => r.Headers.IfModifiedSince = plain.Content.Headers.LastModified);
        using var otherTag = await SendAsync(StatesCsv, r => r.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"something-else\"")));
        using var mismatch = await SendAsync(StatesCsv, r => r.Headers.IfMatch.Add(new EntityTagHeaderValue("\"something-else\"")));

        Assert.NotEqual(plain.Headers.ETag, gzipped.Headers.ETag);
        Assert.False(plain.Headers.ETag!.IsWeak);
        Assert.Equal(HttpStatusCode.NotModified, sameTag.StatusCode);
        Assert.Equal(HttpStatusCode.NotModified, sameGzipTag.StatusCode);
        Assert.Equal(HttpStatusCode.NotModified, unchangedSince.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherTag.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, mismatch.StatusCode);
    }

    [Fact]
    public async Task GzipAndBrotliFormsDecodeToTheIdenticalFile()
    {
        await _database.ImportCtpAsync(File.ReadAllText(CtpSample.HistoryFile));
        foreach (var path in new[] { StatesCsv, "/api/v1/states/daily.json", "/api/v1/states/ny/daily.csv", "/api/v1/us/daily.json", "/api/v2/states/ny/daily.json", "/api/v1/states/info.csv" })
        {
            var identity = await _api.Http.GetByteArrayAsync(path);
            using var br = await SendAsync(path, r => r.Headers.AcceptEncoding.ParseAdd("gzip, deflate, br"));
            using var gzip = await SendAsync(path, r => r.Headers.AcceptEncoding.ParseAdd("gzip;q=1.0, br;q=0"));
            using var refused = await SendAsync(path, r => r.Headers.AcceptEncoding.ParseAdd("br;q=0, gzip;q=0"));

            Assert.Equal("br", Assert.Single(br.Content.Headers.ContentEncoding));
            Assert.Equal("gzip", Assert.Single(gzip.Content.Headers.ContentEncoding));
            Assert.Empty(refused.Content.Headers.ContentEncoding);
            Assert.Contains("Accept-Encoding", br.Headers.Vary);
            var brBytes = await br.Content.ReadAsByteArrayAsync();
            Assert.True(brBytes.Length < identity.Length, $"{path}: Brotli {brBytes.Length} bytes, the file {identity.Length}");
            Assert.Equal(brBytes.Length, br.Content.Headers.ContentLength);
            Assert.Equal(identity, Decode(new BrotliStream(new MemoryStream(brBytes), CompressionMode.Decompress)));
            Assert.Equal(identity, Decode(new GZipStream(await gzip.Content.ReadAsStreamAsync(), CompressionMode.Decompress)));
            Assert.Equal(identity, await refused.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task AnySiteMayReadThePublicFilesWithoutCredentialsAndNothingElse()
    {
        await _database.ImportCtpAsync(File.ReadAllText(CtpSample.HistoryFile));
        await _api.FreshAsync();
        const string Site = "https://dashboard.example.org";

        using var file = await SendAsync(StatesCsv, r => r.Headers.Add("Origin", Site));
        using var unknown = await SendAsync("/api/v1/states/zz/daily.csv", r => r.Headers.Add("Origin", Site));
        using var health = await SendAsync("/healthz", r => r.Headers.Add("Origin", Site));
        using var preflight = await SendAsync(StatesCsv, r =>
        {
            r.Method = HttpMethod.Options;
            r.Headers.Add("Origin", Site);
            r.Headers.Add("Access-Control-Request-Method", "GET");
            r.Headers.Add("Access-Control-Request-Headers", "if-none-match");
        });
        using var pagePreflight = await SendAsync("/Account/Login", r =>
        {
            r.Method = HttpMethod.Options;
            r.Headers.Add("Origin", Site);
            r.Headers.Add("Access-Control-Request-Method", "POST");
        });

        Assert.Equal("*", Assert.Single(file.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.False(file.Headers.Contains("Access-Control-Allow-Credentials"));
        Assert.Contains("ETag", file.Headers.GetValues("Access-Control-Expose-Headers").Single());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("*", Assert.Single(unknown.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Equal("no-store", unknown.Headers.CacheControl!.ToString());
        Assert.False(health.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.Equal("GET, HEAD", Assert.Single(preflight.Headers.GetValues("Access-Control-Allow-Methods")));
        Assert.Contains("If-None-Match", Assert.Single(preflight.Headers.GetValues("Access-Control-Allow-Headers")));
        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Credentials"));
        Assert.False(pagePreflight.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task AFileReadyInMemoryIsAnsweredAheadOfTheEndpointsExactlyAsItsEndpointAnswersIt()
    {
        await _database.ImportCtpAsync(File.ReadAllText(CtpSample.HistoryFile));
        var snapshot = (await _database.Get<SnapshotService>().MakeAsync(SnapshotService.OnDemand, null)).SnapshotId!.Value;
        var snapshotCsv = $"/data/snapshots/{snapshot}/states-daily.csv";
        using (var first = await SendAsync(snapshotCsv, _ => { }))
        {
            // The first read of a snapshot file goes to its endpoint, which caches it.
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        // Only a GET or HEAD of the exact address of a file ready in memory, without a query, is taken ahead.
        (string Method, string Path, bool Ahead)[] requests =
        [
            ("GET", StatesCsv, true),
            ("HEAD", StatesCsv, true),
            ("GET", "/api/v1/states/NY/daily.csv", true),
            ("GET", "/api/v2/states/NY/daily.json", true),
            ("GET", snapshotCsv, true),
            ("GET", $"/data/snapshots/{snapshot.ToString().ToUpperInvariant()}/states-daily.csv", true),
            ("POST", StatesCsv, false),
            ("OPTIONS", StatesCsv, false),
            ("GET", StatesCsv + "?asOf=2021-03-01T00:00:00Z", false),
            ("GET", "/api/v1/states/ny/daily.csv", false),
            ("GET", "/API/v1/states/daily.csv", false),
            ("GET", "/api/v1/states/daily.xml", false),
            ("GET", "/api/v1/states/ZZ/daily.csv", false),
            ("GET", $"/data/snapshots/{snapshot}/us-daily.csv", false),
            ("GET", $"/data/snapshots/{snapshot}/manifest.json", false),
            ("GET", $"/data/snapshots/not-a-guid/states-daily.csv", false),
        ];
        foreach (var (method, path, ahead) in requests)
        {
            var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
            var (pathPart, query) = path.Contains('?') ? (path[..path.IndexOf('?')], path[path.IndexOf('?')..]) : (path, "");
            context.Request.Method = method;
            context.Request.Path = pathPart;
            context.Request.QueryString = new Microsoft.AspNetCore.Http.QueryString(query);
            Assert.True(ahead == DirectPublicFiles.Find(_api.Store, context.Request) is not null, $"{method} {path} should {(ahead ? "" : "not ")}be answered ahead of the endpoints");
        }

        // Answered ahead or by the endpoint (a query it ignores, another spelling), the answer is the same: status, headers, bytes.
        (string Ahead, string Endpoint)[] pairs =
        [
            (StatesCsv, StatesCsv + "?via=endpoint"),
            ("/api/v1/states/daily.json", "/api/v1/states/daily.json?via=endpoint"),
            ("/api/v1/states/NY/daily.csv", "/api/v1/states/ny/daily.csv"),
            ("/api/v2/states/NY/daily.json", "/api/v2/states/ny/daily.json"),
            ("/api/v1/states/info.json", "/api/v1/states/info.json?via=endpoint"),
            (snapshotCsv, snapshotCsv + "?via=endpoint"),
        ];
        Assert.True(_api.Store.Current!.Find("api/v1/states/daily.json")!.Content.Length > PublicHeaders.WriteChunkBytes, "the states JSON no longer exercises a write in parts");
        foreach (var (aheadPath, endpointPath) in pairs)
        {
            foreach (var method in new[] { HttpMethod.Get, HttpMethod.Head })
            {
                foreach (var encoding in new[] { null, "gzip", "br, gzip" })
                {
                    void Configure(HttpRequestMessage r)
                    {
                        r.Method = method;
                        r.Headers.Add("Origin", "https://dashboard.example.org");
                        if (encoding is not null)
                        {
                            r.Headers.TryAddWithoutValidation("Accept-Encoding", encoding);
                        }
                    }

                    using var ahead = await SendAsync(aheadPath, Configure);
                    using var routed = await SendAsync(endpointPath, Configure);
                    var what = $"{method} {aheadPath} ({encoding ?? "identity"})";
                    Assert.Equal(HttpStatusCode.OK, ahead.StatusCode);
                    Assert.True(routed.StatusCode == ahead.StatusCode, what);
                    Assert.True(HeaderLines(routed).SequenceEqual(HeaderLines(ahead)), $"{what}: ahead\n{string.Join('\n', HeaderLines(ahead))}\nendpoint\n{string.Join('\n', HeaderLines(routed))}");
                    var aheadBody = await ahead.Content.ReadAsByteArrayAsync();
                    var routedBody = await routed.Content.ReadAsByteArrayAsync();
                    Assert.True(routedBody.AsSpan().SequenceEqual(aheadBody), what);
                }
            }
        }
    }

    private static List<string> HeaderLines(HttpResponseMessage response) =>
        response.Headers.Concat(response.Content.Headers)
            .Where(h => h.Key != "Date")
            .Select(h => $"{h.Key}: {string.Join(", ", h.Value)}")
            .Order(StringComparer.Ordinal)
            .ToList();

    [Fact]
    public async Task LiveFilesMayBeCachedBrieflyAndAnAsOfAnswerOfAPastMomentForever()
    {
        var text = File.ReadAllText(CtpSample.HistoryFile);
        await _database.ImportCtpAsync(text);
        var between = DateTimeOffset.UtcNow;
        var lines = text.Split('\n');
        lines[1] = lines[1].Replace(",\"AK\",", ",\"AK\",1", StringComparison.Ordinal);
        await _database.ImportCtpAsync(string.Join('\n', lines));
        var first = await _api.Http.GetByteArrayAsync(StatesCsv);

        using var live = await _api.RawHttp.GetAsync(StatesCsv);
        using var past = await _api.RawHttp.GetAsync($"{StatesCsv}?asOf={Uri.EscapeDataString(between.ToString("O"))}");
        var cached = _api.Store.CachedBytes;
        using var alsoPast = await _api.RawHttp.GetAsync($"{StatesCsv}?asOf={Uri.EscapeDataString(between.AddMilliseconds(1).ToString("O"))}");
        using var future = await _api.RawHttp.GetAsync($"{StatesCsv}?asOf={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(1).ToString("O"))}");

        Assert.Equal("public, max-age=60, stale-while-revalidate=60, stale-if-error=86400", live.Headers.CacheControl!.ToString());
        Assert.Equal("public, max-age=31536000, immutable", past.Headers.CacheControl!.ToString());
        Assert.NotEqual(first, await past.Content.ReadAsByteArrayAsync());

        // Every moment between the two imports reads the same history: one file, made once.
        Assert.Equal(past.Headers.ETag, alsoPast.Headers.ETag);
        Assert.Equal(cached, _api.Store.CachedBytes);
        Assert.True(cached > 0);

        // A moment after the newest publish is answered with the live file, cached only briefly.
        Assert.Equal(live.Headers.ETag, future.Headers.ETag);
        Assert.Equal(live.Headers.CacheControl, future.Headers.CacheControl);
    }

    [Fact]
    public async Task AScraperWalkingEveryMomentCannotFillMemory()
    {
        await _database.ImportCtpAsync(File.ReadAllText(CtpSample.HistoryFile));
        await _api.FreshAsync();
        var start = DateTimeOffset.UtcNow.AddDays(-30);

        // The v2 file names its moment, so every moment is a file of its own.
        for (var i = 0; i < 60; i++)
        {
            using var response = await _api.RawHttp.GetAsync($"/api/v2/states/ny/daily.json?asOf={Uri.EscapeDataString(start.AddMinutes(i).ToString("O"))}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(_api.Store.CachedBytes <= 2 * 1024 * 1024, $"{_api.Store.CachedBytes} bytes cached after {i + 1} moments");
        }
    }

    [Fact]
    public async Task DuringARebuildTheFileIsThePreviousOneWholeAndTheNewOneComesWithinSecondsToStay()
    {
        var text = File.ReadAllText(CtpSample.HistoryFile);
        await _database.ImportCtpAsync(text);
        var before = await _api.Http.GetByteArrayAsync(StatesCsv);
        var garbage = _api.Services.GetRequiredService<RebuildGarbage>();
        var collected = garbage.Collections;
        var lines = text.Split('\n');
        lines[1] = lines[1].Replace(",\"AK\",", ",\"AK\",1", StringComparison.Ordinal);

        await _database.ImportCtpAsync(string.Join('\n', lines));
        var committed = System.Diagnostics.Stopwatch.StartNew();
        var seen = new List<(byte[] Body, string Tag, TimeSpan At)>();
        var fresh = _api.FreshAsync(TimeSpan.FromSeconds(30));
        while (!fresh.IsCompleted)
        {
            using var response = await _api.RawHttp.GetAsync(StatesCsv);
            seen.Add((await response.Content.ReadAsByteArrayAsync(), response.Headers.ETag!.Tag, committed.Elapsed));
        }

        await fresh;
        var after = await _api.Http.GetByteArrayAsync(StatesCsv);
        for (var i = 0; i < 20; i++)
        {
            using var response = await _api.RawHttp.GetAsync(StatesCsv);
            seen.Add((await response.Content.ReadAsByteArrayAsync(), response.Headers.ETag!.Tag, committed.Elapsed));
        }

        Assert.NotEqual(before, after);
        Assert.True(garbage.Collections > collected, "the young garbage of making the new generation was not collected before it went in");
        var firstNew = seen.FindIndex(s => s.Body.SequenceEqual(after));
        Assert.True(firstNew >= 0);
        Assert.True(seen[firstNew].At < TimeSpan.FromSeconds(10), $"the new file came {seen[firstNew].At} after the commit");
        for (var i = 0; i < seen.Count; i++)
        {
            // Always a whole file, its tag its own hash; once the new one is served, never the old one again.
            Assert.Equal(i < firstNew ? before : after, seen[i].Body);
            Assert.Equal($"\"{Convert.ToHexStringLower(SHA256.HashData(seen[i].Body))}\"", seen[i].Tag);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(string path, Action<HttpRequestMessage> configure)
    {
        await _api.FreshAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        configure(request);
        return await _api.RawHttp.SendAsync(request);
    }

    private static byte[] Decode(Stream decompressing)
    {
        using (decompressing)
        {
            using var output = new MemoryStream();
            decompressing.CopyTo(output);
            return output.ToArray();
        }
    }
}
