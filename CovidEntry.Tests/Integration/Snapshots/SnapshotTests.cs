using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CovidEntry.App.Features.Edits;
using CovidEntry.App.Features.Imports;
using CovidEntry.App.Features.Snapshots;
using CovidEntry.Domain.Snapshots;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CovidEntry.Tests.Integration;

public class SnapshotTests : PublicApiTest
{
    [Fact]
    public async Task ASnapshotIsPublishedWithChecksummedFilesAndRegeneratingItGivesTheSameBytes()
    {
        await Database.ImportCtpAsync(File.ReadAllText(CtpSample.HistoryFile));

        var outcome = await MakeAsync();
        await PublishNewDayAsync();

        Assert.Equal(SnapshotState.Published, outcome.State);
        var snapshot = (await Queries.ListAsync(publishedOnly: true)).Single();
        Assert.Equal(
            ["states-daily.csv", "states-daily.json", "us-daily.csv", "us-daily.json", "states-info.csv", "states-info.json",
             "states-daily.parquet", "us-daily.parquet", "states-info.parquet", "datapackage.json"],
            snapshot.Files.Select(f => f.Name));
        Assert.Equal((784L, 784L, 14L, 56L), (snapshot.Files[0].Rows, snapshot.Files[1].Rows, snapshot.Files[2].Rows, snapshot.Files[4].Rows));
        Assert.Equal(784, snapshot.RowsAdded);

        var regenerated = await Database.Get<SnapshotService>().GenerateFilesAsync(snapshot.LastVersionId, _ => Task.CompletedTask);
        foreach (var file in snapshot.Files)
        {
            var download = await Http.GetByteArrayAsync($"/data/snapshots/{snapshot.Id}/{file.Name}");
            Assert.Equal(file.Sha256, Convert.ToHexStringLower(SHA256.HashData(download)));
            Assert.Equal(file.Size, download.Length);
            Assert.Equal(download, regenerated.Single(r => r.Name == file.Name).Content);
        }

        var live = await Http.GetStringAsync("/api/v1/states/daily.csv");
        Assert.NotEqual(live, Encoding.UTF8.GetString(regenerated[0].Content));
    }

    [Fact]
    public async Task ASnapshotsFilesAreTheLiveFilesBytesAtTheSameMoment()
    {
        await Database.ImportCtpAsync(File.ReadAllText(CtpSample.HistoryFile));
        var snapshotId = (await MakeAsync()).SnapshotId!.Value;

        // Nothing published since: the live files (waited for until they are of the data as it is) are the snapshot's.
        (string Snapshot, string Live)[] pairs =
        [
            ("states-daily.csv", "/api/v1/states/daily.csv"), ("states-daily.json", "/api/v1/states/daily.json"),
            ("us-daily.csv", "/api/v1/us/daily.csv"), ("us-daily.json", "/api/v1/us/daily.json"),
            ("states-info.csv", "/api/v1/states/info.csv"), ("states-info.json", "/api/v1/states/info.json"),
        ];
        foreach (var (name, live) in pairs)
        {
            var fromSnapshot = await Http.GetByteArrayAsync($"/data/snapshots/{snapshotId}/{name}");
            var fromLive = await Http.GetByteArrayAsync(live);
            Assert.True(fromSnapshot.AsSpan().SequenceEqual(fromLive), $"{name} differs from {live} ({fromSnapshot.Length} and {fromLive.Length} bytes)");
        }
    }

    [Fact]
    public async Task TheManifestAndDownloadsArePublicImmutableAndTheLatestLinkFollowsNewSnapshots()
    {
        await Database.ImportCtpAsync(File.ReadAllText(CtpSample.HistoryFile));
        var first = (await MakeAsync()).SnapshotId!.Value;

        using var manifest = JsonDocument.Parse(await Http.GetStringAsync($"/data/snapshots/{first}/manifest.json"));
        using var file = await Http.GetAsync($"/data/snapshots/{first}/us-daily.csv");
        using var latest = await Http.GetAsync("/data/snapshots/latest/us-daily.csv");
        var nothingNew = await MakeAsync();
        await PublishNewDayAsync();
        var second = (await MakeAsync()).SnapshotId!.Value;
        using var latestAfter = await Http.GetAsync("/data/snapshots/latest/manifest.json");

        var files = manifest.RootElement.GetProperty("files").EnumerateArray().ToList();
        Assert.Equal(10, files.Count);
        var us = files.Single(f => f.GetProperty("name").GetString() == "us-daily.csv");
        Assert.Equal(us.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(await file.Content.ReadAsByteArrayAsync())));
        Assert.Equal(SnapshotEndpoints.Immutable, file.Headers.CacheControl!.ToString());
        Assert.Equal($"\"{us.GetProperty("sha256").GetString()}\"", file.Headers.ETag!.Tag);
        Assert.Equal(await file.Content.ReadAsByteArrayAsync(), await latest.Content.ReadAsByteArrayAsync());
        Assert.Equal((first, "Nothing was published since the latest snapshot; it is still current."), (nothingNew.SnapshotId!.Value, nothingNew.Message));
        Assert.Contains(second.ToString(), latestAfter.RequestMessage!.RequestUri!.ToString());
        Assert.Equal(2, (await Queries.ListAsync(publishedOnly: true)).Count);
    }

    [Fact]
    public async Task EachTableIsAlsoATypedParquetFileWithTheCsvsRowsAndADataPackageDescribesEveryFile()
    {
        await Database.ImportCtpAsync(File.ReadAllText(CtpSample.HistoryFile));
        var snapshot = (await MakeAsync()).SnapshotId!.Value;

        foreach (var table in new[] { "states-daily", "us-daily", "states-info" })
        {
            var csv = CsvRows(await Http.GetStringAsync($"/data/snapshots/{snapshot}/{table}.csv"));
            using var parquet = await Http.GetAsync($"/data/snapshots/{snapshot}/{table}.parquet");
            Assert.Equal("application/vnd.apache.parquet", parquet.Content.Headers.ContentType!.ToString());
            var (header, rows) = await ParquetRowsAsync(await parquet.Content.ReadAsByteArrayAsync());

            Assert.Equal(csv[0], header);
            Assert.Equal(csv.Count - 1, rows.Count);
            for (var i = 0; i < rows.Count; i++)
            {
                Assert.Equal(csv[i + 1], rows[i]);
            }
        }

        using var package = JsonDocument.Parse(await Http.GetStringAsync($"/data/snapshots/{snapshot}/datapackage.json"));
        using var manifest = JsonDocument.Parse(await Http.GetStringAsync($"/data/snapshots/{snapshot}/manifest.json"));
        var root = package.RootElement;
        Assert.Equal("tabular-data-package", root.GetProperty("profile").GetString());
        Assert.Equal("CC-BY-4.0", root.GetProperty("licenses")[0].GetProperty("name").GetString());
        Assert.Contains("The COVID Tracking Project", root.GetProperty("sources")[0].GetProperty("title").GetString());
        var resources = root.GetProperty("resources").EnumerateArray().ToDictionary(r => r.GetProperty("path").GetString()!);
        var listed = manifest.RootElement.GetProperty("files").EnumerateArray().Where(f => f.GetProperty("name").GetString() != "datapackage.json").ToList();
        Assert.Equal(listed.Select(f => f.GetProperty("name").GetString()).Order(), resources.Keys.Order());
        foreach (var file in listed)
        {
            var resource = resources[file.GetProperty("name").GetString()!];
            Assert.Equal($"sha256:{file.GetProperty("sha256").GetString()}", resource.GetProperty("hash").GetString());
            Assert.Equal(file.GetProperty("size").GetInt64(), resource.GetProperty("bytes").GetInt64());
            Assert.Equal([""], resource.GetProperty("schema").GetProperty("missingValues").EnumerateArray().Select(v => v.GetString()));
        }

        // The CSV's schema names its columns in order, with types and units.
        var statesHeader = CsvRows(await Http.GetStringAsync($"/data/snapshots/{snapshot}/states-daily.csv"))[0];
        var fields = resources["states-daily.csv"].GetProperty("schema").GetProperty("fields").EnumerateArray().ToList();
        Assert.Equal(statesHeader, fields.Select(f => f.GetProperty("name").GetString()!).ToList());
        Assert.Equal(("date", "string", "integer"), (fields[0].GetProperty("type").GetString()!, fields[1].GetProperty("type").GetString()!,
            fields.Single(f => f.GetProperty("name").GetString() == "positive").GetProperty("type").GetString()!));
        Assert.Equal("people", fields.Single(f => f.GetProperty("name").GetString() == "death").GetProperty("unit").GetString());
    }

    /// <summary>A CSV as rows of cells.</summary>
    private static List<List<string>> CsvRows(string csv)
    {
        var rows = new List<List<string>>();
        using var parser = new CsvHelper.CsvParser(new StringReader(csv), System.Globalization.CultureInfo.InvariantCulture);
        while (parser.Read())
        {
            rows.Add([.. parser.Record!]);
        }

        return rows;
    }

    /// <summary>A Parquet file's rows as the CSV would write their cells: dates yyyy-MM-dd, numbers bare, null empty.</summary>
    private static async Task<(List<string> Header, List<List<string>> Rows)> ParquetRowsAsync(byte[] content)
    {
        await using var reader = await Parquet.ParquetReader.CreateAsync(new MemoryStream(content), null, false, CancellationToken.None);
        var fields = reader.Schema.DataFields;
        using var group = reader.OpenRowGroupReader(0);
        var count = (int)group.RowCount;
        var columns = new List<string[]>();
        foreach (var field in fields)
        {
            if (field.ClrType == typeof(DateTime))
            {
                var dates = new DateTime[count];
                await group.ReadAsync<DateTime>(field, dates, null, CancellationToken.None);
                columns.Add(dates.Select(d => d.ToString("yyyy-MM-dd")).ToArray());
            }
            else if (field.ClrType == typeof(long))
            {
                var numbers = new long?[count];
                await group.ReadAsync<long>(field, numbers, null, CancellationToken.None);
                columns.Add(numbers.Select(n => n?.ToString() ?? "").ToArray());
            }
            else
            {
                var texts = new string[count];
                await group.ReadAsync(field, texts, null, CancellationToken.None);
                columns.Add(texts.Select(t => t ?? "").ToArray());
            }
        }

        return (fields.Select(f => f.Name).ToList(), Enumerable.Range(0, count).Select(i => columns.Select(c => c[i]).ToList()).ToList());
    }

    [Fact]
    public async Task EachPublishedSnapshotIsSignedAndServesItsChecksumListSignatureAndPublicKey()
    {
        await Database.ImportCtpAsync(File.ReadAllText(CtpSample.HistoryFile));
        var id = (await MakeAsync()).SnapshotId!.Value;
        var keys = Database.Get<SnapshotSigningKeys>();

        using var sums = await Http.GetAsync($"/data/snapshots/{id}/SHA256SUMS");
        using var signature = await Http.GetAsync($"/data/snapshots/{id}/SHA256SUMS.sig");
        using var key = await Http.GetAsync($"/data/snapshots/{id}/public-key.pem");
        using var currentKey = await Http.GetAsync("/data/public-key.pem");
        var list = await sums.Content.ReadAsByteArrayAsync();
        var published = SnapshotPublicKey.FromPem(await key.Content.ReadAsStringAsync());
        using var manifest = JsonDocument.Parse(await Http.GetByteArrayAsync($"/data/snapshots/{id}/manifest.json"));

        var lines = Encoding.UTF8.GetString(list).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => (Hash: l[..64], Name: l[66..])).ToList();
        Assert.Equal(["states-daily.csv", "states-daily.json", "us-daily.csv", "us-daily.json", "states-info.csv", "states-info.json",
            "states-daily.parquet", "us-daily.parquet", "states-info.parquet", "datapackage.json", "changelog.json", "manifest.json"],
            lines.Select(l => l.Name));
        foreach (var (hash, name) in lines)
        {
            Assert.Equal(hash, Convert.ToHexStringLower(SHA256.HashData(await Http.GetByteArrayAsync($"/data/snapshots/{id}/{name}"))));
        }

        Assert.True(published.Verifies(list, await signature.Content.ReadAsByteArrayAsync()));
        Assert.Equal(keys.Current.Fingerprint, published.Fingerprint);
        Assert.Equal(keys.Current.Pem, await currentKey.Content.ReadAsStringAsync());
        Assert.Equal(keys.Current.Fingerprint, manifest.RootElement.GetProperty("signature").GetProperty("key_sha256").GetString());
        Assert.All([sums, signature, key], r => Assert.Equal(SnapshotEndpoints.Immutable, r.Headers.CacheControl!.ToString()));
        Assert.Equal((SnapshotEndpoints.Revalidate, $"\"{keys.Current.Fingerprint}\""), (currentKey.Headers.CacheControl!.ToString(), currentKey.Headers.ETag!.Tag));
        Assert.Equal(0, await Database.BehindTheAppsBack().Database.SqlQueryRaw<int>(
            "SELECT count(*)::int AS \"Value\" FROM \"Snapshots\" WHERE \"State\" = 'Published' AND \"Signature\" IS NULL").SingleAsync());
    }

    [Fact]
    public async Task TheChangelogListsAddedRowsAndChangedCellsOldToNew()
    {
        await Database.ImportCtpAsync(File.ReadAllText(CtpSample.HistoryFile));
        await MakeAsync();
        var edits = Database.Get<EditService>();
        var editId = await edits.OpenAsync(new NewEditForm { JurisdictionCode = "WY", From = Day.ToDateTime(TimeOnly.MinValue), To = Day.ToDateTime(TimeOnly.MinValue), Note = "WY added late deaths" }, Loop.Lead);
        var wyDeath = CtpSample.Number(CtpSample.HistoryRows().Single(r => r["state"] == "WY" && r["date"] == "2020-11-14")["death"])!.Value;
        await edits.SetCellAsync(editId, Day, "death", (wyDeath + 5).ToString(), Loop.Lead);
        await edits.PublishAsync(editId, Loop.OtherLead);
        await PublishNewDayAsync();

        var second = (await MakeAsync()).SnapshotId!.Value;

        using var changelog = JsonDocument.Parse((await Queries.ChangelogAsync(second))!);
        var root = changelog.RootElement;
        Assert.Equal(1, root.GetProperty("rows_added").GetInt32());
        Assert.Equal("AK", root.GetProperty("added_rows")[0].GetProperty("state").GetString());
        var changed = Assert.Single(root.GetProperty("changed_cells").EnumerateArray());
        Assert.Equal(("WY", "death", wyDeath, wyDeath + 5), (changed.GetProperty("state").GetString(), changed.GetProperty("metric").GetString(), changed.GetProperty("old").GetInt64(), changed.GetProperty("new").GetInt64()));
    }

    [Fact]
    public async Task ACumulativeValueLoweredOutsideAnEditBatchKeepsTheSnapshotFromThePublic()
    {
        var text = File.ReadAllText(CtpSample.HistoryFile);
        await Database.ImportCtpAsync(text);
        var first = (await MakeAsync()).SnapshotId!.Value;
        var lines = text.Split('\n');
        var header = lines[0].Split(',').ToList();
        var positive = header.IndexOf("\"positive\"");
        var cells = lines[1].Split(',');
        cells[positive] = (long.Parse(cells[positive]) - 100).ToString();
        lines[1] = string.Join(',', cells);
        await Database.ImportCtpAsync(string.Join('\n', lines));

        var refused = await MakeAsync();

        Assert.Equal(SnapshotState.Refused, refused.State);
        Assert.Contains($"{cells[1].Trim('"')} 2020-11-14 positive fell from", refused.Message);
        Assert.Contains("in a import batch", refused.Message);
        var all = await Queries.ListAsync(publishedOnly: false);
        Assert.Equal([SnapshotState.Refused, SnapshotState.Published], all.Select(s => s.State));
        Assert.Empty(all[0].Files);
        Assert.Equal(first, await Queries.LatestPublishedAsync());
        using var notPublic = await Http.GetAsync($"/data/snapshots/{all[0].Id}/manifest.json");
        using var noSignature = await Http.GetAsync($"/data/snapshots/{all[0].Id}/SHA256SUMS.sig");
        Assert.Equal(HttpStatusCode.NotFound, notPublic.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, noSignature.StatusCode);
        Assert.Contains("There is no published snapshot file here.", await noSignature.Content.ReadAsStringAsync());
        Assert.False(all[0].IsSigned);
    }

    [Fact]
    public async Task OnlyOneSnapshotIsMadeAtATimeAcrossInstances()
    {
        await Database.ImportCtpAsync(File.ReadAllText(CtpSample.HistoryFile));
        await using var otherInstance = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Database.ConnectionString) { Pooling = false }.ConnectionString);
        await otherInstance.OpenAsync();
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({CovidEntry.App.Shared.AdvisoryLocks.Snapshot})", otherInstance))
        {
            await take.ExecuteScalarAsync();
        }

        var whileHeld = await MakeAsync();
        await using (var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({CovidEntry.App.Shared.AdvisoryLocks.Snapshot})", otherInstance))
        {
            await release.ExecuteScalarAsync();
        }

        var afterwards = await MakeAsync();

        Assert.Null(whileHeld.SnapshotId);
        Assert.Contains("being made right now", whileHeld.Message);
        Assert.Equal(SnapshotState.Published, afterwards.State);
    }

    [Fact]
    public async Task TheDatabaseRefusesToChangeAFinishedSnapshotOrItsFiles()
    {
        await Database.ImportCtpAsync(File.ReadAllText(CtpSample.HistoryFile));
        await MakeAsync();

        var file = await Database.RefusalsAsync("UPDATE \"SnapshotFiles\" SET \"Content\" = '\\x00'");
        var snapshot = await Database.RefusalsAsync("UPDATE \"Snapshots\" SET \"Progress\" = 'x'");
        var delete = await Database.RefusalsAsync("DELETE FROM \"Snapshots\"");

        // The app's role may update a snapshot while it is being made, so its trigger is what stops it.
        Assert.Contains("immutable", snapshot.AsApp.MessageText, StringComparison.Ordinal);
        Assert.All([file.AsApp, delete.AsApp], ex => Assert.Contains("permission denied", ex.MessageText, StringComparison.Ordinal));
        Assert.All([file.AsOwner, snapshot.AsOwner, delete.AsOwner], ex => Assert.Contains("immutable", ex.MessageText, StringComparison.Ordinal));
    }

    private SnapshotQueries Queries => Database.Get<SnapshotQueries>();

    private Task<SnapshotOutcome> MakeAsync() => Database.Get<SnapshotService>().MakeAsync(SnapshotService.OnDemand, Loop.Admin);

    /// <summary>A new day for AK, after the sample's last date: one more row in every file.</summary>
    private async Task PublishNewDayAsync()
    {
        var ak = CtpSample.HistoryRows().Single(r => r["state"] == "AK" && r["date"] == "2020-11-14");
        var values = new Dictionary<string, string> { ["positive"] = (long.Parse(ak["positive"]) + 50).ToString(), ["death"] = ak["death"] };
        await Database.Get<App.Features.Publish.PublishService>().PublishShiftAsync(await Loop.VerifiedShiftInReviewAsync(Day.AddDays(1), values, "AK"), Loop.Lead);
    }
}
