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
        Assert.Equal(["states-daily.csv", "states-daily.json", "us-daily.csv", "us-daily.json", "states-info.csv", "states-info.json"], snapshot.Files.Select(f => f.Name));
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
        Assert.Equal(6, files.Count);
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
        Assert.Equal(["states-daily.csv", "states-daily.json", "us-daily.csv", "us-daily.json", "states-info.csv", "states-info.json", "changelog.json", "manifest.json"],
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
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({SnapshotService.SnapshotLockKey})", otherInstance))
        {
            await take.ExecuteScalarAsync();
        }

        var whileHeld = await MakeAsync();
        await using (var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({SnapshotService.SnapshotLockKey})", otherInstance))
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
