using System.Net;
using System.Text;
using System.Text.Json;
using AngleSharp.Html.Parser;
using CovidEntry.App.Data;
using CovidEntry.App.Features.Audit;
using CovidEntry.App.Features.Snapshots;
using CovidEntry.Domain.Audit;
using CovidEntry.Domain.Snapshots;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CovidEntry.Tests.Integration;

/// <summary>
/// Someone who can write to the database behind the app's back (the owner or a superuser switching
/// the guards off) changes a published snapshot: a person who downloads it and runs the commands
/// /data shows, or verify-snapshot, is told (docs/decisions/028). Also: snapshots made before
/// signing, and snapshots signed before the key changed.
/// </summary>
public sealed class SignedSnapshotTamperTests : IAsyncLifetime
{
    private readonly TestDatabase _database = new();
    private readonly string _temp = Directory.CreateTempSubdirectory("covidentry-snapshot-tamper-").FullName;

    public Task InitializeAsync() => _database.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        Directory.Delete(_temp, recursive: true);
    }

    [Fact]
    public async Task AFileChangedInTheDatabaseBehindTheAppsBackFailsTheDownloadsCheckNamingIt()
    {
        var id = await MakeAsync(File.ReadAllText(CtpSample.HistoryFile));
        await BehindTheAppsBackAsync("""UPDATE "SnapshotFiles" SET "Content" = set_byte("Content", 20, get_byte("Content", 20) # 1) WHERE "Name" = 'states-info.csv'""");

        await using var app = await InProcessApp.StartAsync(_database.ConnectionString);
        var (exitCode, output, folder) = await DownloadWithThePagesCommandsAsync(app, id);
        var result = SnapshotFolderVerifier.Verify(folder, null);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Verified OK", output);
        Assert.Contains("states-info.csv: FAILED", output);
        Assert.Contains("states-daily.csv: OK", output);
        Assert.Equal(["states-info.csv"], result.Problems.Select(p => p.Split(':')[0]));
        var audit = await _database.LinkAndVerifyAsync();
        var finding = Assert.Single(audit.Findings);
        Assert.Equal(AuditFindingKind.SnapshotChanged, finding.Kind);
        Assert.StartsWith($"Snapshot {id}'s states-info.csv was changed behind the app's back: its SHA-256 is ", finding.Sentence);
    }

    [Fact]
    public async Task AFileAndItsChecksumRewrittenTogetherInTheDatabaseFailTheSignature()
    {
        var id = await MakeAsync(File.ReadAllText(CtpSample.HistoryFile));
        await using (var super = new NpgsqlConnection(TestCluster.AsRole(_database.ConnectionString, DatabaseRole.Super)))
        {
            await super.OpenAsync();
            await using var read = new NpgsqlCommand("""
                SELECT f."Content", s."Checksums", s."Manifest" FROM "SnapshotFiles" f JOIN "Snapshots" s ON s."Id" = f."SnapshotId" WHERE f."Name" = 'us-daily.csv'
                """, super);
            byte[] content, checksums, manifest;
            await using (var reader = await read.ExecuteReaderAsync())
            {
                await reader.ReadAsync();
                (content, checksums, manifest) = (reader.GetFieldValue<byte[]>(0), reader.GetFieldValue<byte[]>(1), reader.GetFieldValue<byte[]>(2));
            }

            // A thorough forger: the file, its hash in the manifest, and the manifest's and the file's hashes in the list.
            var forged = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(content).Replace(",56,", ",57,", StringComparison.Ordinal));
            Assert.NotEqual(content, forged);
            var forgedManifest = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(manifest).Replace(SnapshotManifest.Sha256(content), SnapshotManifest.Sha256(forged), StringComparison.Ordinal));
            var list = Encoding.UTF8.GetString(checksums).Replace(SnapshotManifest.Sha256(content), SnapshotManifest.Sha256(forged), StringComparison.Ordinal)
                .Replace(SnapshotManifest.Sha256(manifest), SnapshotManifest.Sha256(forgedManifest), StringComparison.Ordinal);
            await using var write = new NpgsqlCommand("""
                SET session_replication_role = replica;
                UPDATE "SnapshotFiles" SET "Content" = @content, "Sha256" = @sha WHERE "Name" = 'us-daily.csv';
                UPDATE "Snapshots" SET "Checksums" = @list, "Manifest" = @manifest;
                SET session_replication_role = DEFAULT;
                """, super);
            write.Parameters.AddWithValue("content", forged);
            write.Parameters.AddWithValue("sha", SnapshotManifest.Sha256(forged));
            write.Parameters.AddWithValue("list", Encoding.UTF8.GetBytes(list));
            write.Parameters.AddWithValue("manifest", forgedManifest);
            await write.ExecuteNonQueryAsync();
        }

        // A person who reads past openssl's answer and runs every command anyway.
        await using var app = await InProcessApp.StartAsync(_database.ConnectionString);
        var (_, output, folder) = await DownloadWithThePagesCommandsAsync(app, id, stopAtFirstFailure: false);
        var (sha256sum, sums) = await Shell.RunAsync(folder, "sha256sum -c SHA256SUMS");
        var result = SnapshotFolderVerifier.Verify(folder, null);

        // Every file matches the rewritten list; only the signature, made with a key the database never held, tells.
        Assert.Contains("Verification failure", output);
        Assert.Equal(0, sha256sum);
        Assert.Contains("us-daily.csv: OK", sums);
        Assert.Equal([$"SHA256SUMS.sig: the signature does not match SHA256SUMS under the key with fingerprint {TestKeysFingerprint}: "
            + "SHA256SUMS was changed after it was signed, or another key signed it."], result.Problems);
        Assert.Equal([$"Snapshot {id}'s checksum list does not match its signature: the list or the signature was changed behind the app's back."],
            (await _database.LinkAndVerifyAsync()).Findings.Select(f => f.Sentence));
    }

    [Fact]
    public async Task AChainRelinkedWithTheSnapshotRowAndTheHeadLogMadeToMatchIsStillCaughtByTheSignedManifest()
    {
        await _database.ImportCtpAsync(CtpSample.HistoryOf("NY", before: new DateOnly(2020, 11, 4)));
        AuditChecks.AssertIntact(await _database.LinkAndVerifyAsync());
        var id = await MakeAsync(File.ReadAllText(CtpSample.HistoryFile));
        AuditChecks.AssertIntact(await _database.LinkAndVerifyAsync());
        long edited;
        await using (var db = _database.BehindTheAppsBack())
        {
            var anchored = await db.Snapshots.Where(s => s.Id == id).Select(s => s.AuditHeadId!.Value).SingleAsync();
            edited = await db.AuditChain.Where(l => l.EventId <= anchored).OrderByDescending(l => l.Position).Skip(3).Select(l => l.EventId).FirstAsync();
        }

        // Change an event the snapshot's head covers, re-link the chain from it with the running app's
        // help, empty the head log, and point the snapshot's row at the new head: only the signed
        // manifest still holds the old one.
        await BehindTheAppsBackAsync($"""
            UPDATE "AuditEvents" SET "UserName" = 'someone else' WHERE "Id" = {edited};
            WITH later AS (SELECT "EventId" FROM "AuditChain" WHERE "Position" >= (SELECT "Position" FROM "AuditChain" WHERE "EventId" = {edited}))
            INSERT INTO "AuditPending" SELECT "EventId" FROM later;
            DELETE FROM "AuditChain" WHERE "Position" >= (SELECT "Position" FROM "AuditChain" WHERE "EventId" = {edited});
            """);
        await _database.Get<AuditChainer>().CatchUpAsync(wait: true);
        await File.WriteAllTextAsync(TestKeys.HeadLogFor(_database.ConnectionString), "");
        await BehindTheAppsBackAsync("""
            UPDATE "Snapshots" s SET "AuditHeadHash" = c."Hash" FROM "AuditChain" c WHERE c."EventId" = s."AuditHeadId"
            """);

        var result = await _database.Get<AuditVerifier>().VerifyAsync();

        Assert.Contains(result.Findings, f => f.Kind == AuditFindingKind.SnapshotChanged
            && f.Sentence.StartsWith($"Snapshot {id}'s row names the audit chain head", StringComparison.Ordinal));
        Assert.Contains(result.Findings, f => f.Kind == AuditFindingKind.AnchorMissing
            && f.Sentence.StartsWith($"The head anchored by snapshot {id}'s signed manifest", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ASnapshotMadeBeforeSigningSaysItIsUnsignedAndTheNextOneIsSigned()
    {
        var old = await MakeAsync(CtpSample.HistoryOf("NY", before: new DateOnly(2020, 11, 4)));
        await BehindTheAppsBackAsync("""
            ALTER TABLE "Snapshots" DROP CONSTRAINT "CK_Snapshots_published_signed";
            UPDATE "Snapshots" SET "Manifest" = NULL, "Checksums" = NULL, "Signature" = NULL, "SigningKey" = NULL;
            ALTER TABLE "Snapshots" ADD CONSTRAINT "CK_Snapshots_published_signed"
                CHECK ("State" <> 'Published' OR ("Manifest" IS NOT NULL AND "Checksums" IS NOT NULL AND "Signature" IS NOT NULL AND "SigningKey" IS NOT NULL)) NOT VALID;
            """);

        await using var app = await InProcessApp.StartAsync(_database.ConnectionString);
        using var visitor = app.NewClient();
        var onlyUnsigned = await visitor.GetStringAsync("/data");
        using var manifest = JsonDocument.Parse(await visitor.GetByteArrayAsync($"/data/snapshots/{old}/manifest.json"));
        var refusals = new List<(HttpStatusCode, string)>();
        foreach (var file in new[] { "SHA256SUMS", "SHA256SUMS.sig", "public-key.pem" })
        {
            using var response = await visitor.GetAsync($"/data/snapshots/{old}/{file}");
            refusals.Add((response.StatusCode, await response.Content.ReadAsStringAsync()));
        }

        var folder = Directory.CreateDirectory(Path.Combine(_temp, "unsigned")).FullName;
        foreach (var file in manifest.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("name").GetString()!).Append("manifest.json"))
        {
            await File.WriteAllBytesAsync(Path.Combine(folder, file), await visitor.GetByteArrayAsync($"/data/snapshots/{old}/{file}"));
        }

        var newer = await MakeAsync(File.ReadAllText(CtpSample.HistoryFile));
        var both = await visitor.GetStringAsync("/data");

        Assert.Contains("id=\"unsigned-snapshot\"", onlyUnsigned);
        Assert.Contains("This snapshot was made before snapshots were signed, so it has no signature to check.", onlyUnsigned);
        Assert.False(manifest.RootElement.TryGetProperty("signature", out _));
        Assert.Equal(10, manifest.RootElement.GetProperty("files").GetArrayLength());
        Assert.All(refusals, r => Assert.Equal(HttpStatusCode.NotFound, r.Item1));
        Assert.All(refusals, r => Assert.Contains(SnapshotEndpoints.UnsignedMessage, r.Item2));
        Assert.Equal(["The folder has no SHA256SUMS: the snapshot is unsigned (made before CovidEntry signed its snapshots; its manifest.json lists each file's SHA-256) "
            + "or its download is not complete."], SnapshotFolderVerifier.Verify(folder, null).Problems);
        Assert.Contains($"data-snapshot=\"{newer}\"", both);
        Assert.DoesNotContain("id=\"unsigned-snapshot\"", both);
        Assert.EndsWith("values changed · unsigned (made before snapshots were signed)",
            new HtmlParser().ParseDocument(both).QuerySelector("#snapshot-archive li")!.TextContent.Trim());
    }

    [Fact]
    public async Task TheAppsRoleCanNeitherPublishAnUnsignedSnapshotNorChangeASignedOne()
    {
        await MakeAsync(File.ReadAllText(CtpSample.HistoryFile));
        await using var asApp = _database.BehindTheAppsBack(DatabaseRole.App);

        var unsigned = await Assert.ThrowsAsync<PostgresException>(() => asApp.Database.ExecuteSqlRawAsync("""
            INSERT INTO "Snapshots" ("Id", "State", "Trigger", "StartedAtUtc", "FinishedAtUtc", "LastVersionId", "Progress", "RowsAdded", "CellsChanged")
            VALUES (gen_random_uuid(), 'Published', 'forged', now(), now(), 1, 'Published', 0, 0)
            """));
        var resigned = await Assert.ThrowsAsync<PostgresException>(() => asApp.Database.ExecuteSqlRawAsync("""UPDATE "Snapshots" SET "Signature" = '\x00'"""));

        Assert.Equal((PostgresErrorCodes.CheckViolation, "CK_Snapshots_published_signed"), (unsigned.SqlState, unsigned.ConstraintName));
        Assert.Contains("immutable", resigned.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASnapshotSignedBeforeTheKeyChangedStillVerifiesWithTheEarlierKeyItsPagesPublish()
    {
        var old = await MakeAsync(CtpSample.HistoryOf("NY", before: new DateOnly(2020, 11, 4)));
        var newKey = Path.Combine(_temp, "new-signing.key");
        var oldPublic = Path.Combine(_temp, "old-public-key.pem");
        SnapshotSigningKeys.WriteNewKeyFile(newKey);
        await File.WriteAllTextAsync(oldPublic, _database.Services.GetRequiredService<SnapshotSigningKeys>().Current.Pem);
        var rotated = new Dictionary<string, string?>
        {
            [SnapshotSigningKeys.KeyFileSetting] = newKey,
            [SnapshotSigningKeys.PreviousKeysSetting + ":0"] = oldPublic,
        };
        Guid newer;
        await using (var afterRotation = TestApp.Build(_database.ConnectionString, rotated))
        {
            await _database.ImportCtpAsync(File.ReadAllText(CtpSample.HistoryFile));
            newer = (await afterRotation.Services.CreateScope().ServiceProvider.GetRequiredService<SnapshotService>().MakeAsync(SnapshotService.Scheduled, null)).SnapshotId!.Value;
        }

        await using var app = await InProcessApp.StartAsync(_database.ConnectionString, [.. rotated.Select(s => $"--{s.Key}={s.Value}")]);
        var keys = app.Services.GetRequiredService<SnapshotSigningKeys>();
        var page = await app.NewClient().GetStringAsync("/data");
        var (oldExit, oldOutput, oldFolder) = await DownloadWithThePagesCommandsAsync(app, old);
        var (newExit, newOutput, newFolder) = await DownloadWithThePagesCommandsAsync(app, newer);

        Assert.NotEqual(TestKeysFingerprint, keys.Current.Fingerprint);
        Assert.Contains(keys.Current.Fingerprint, page);
        Assert.Equal([keys.All[1].Fingerprint], new HtmlParser().ParseDocument(page).QuerySelectorAll("#earlier-signing-keys code").Select(c => c.TextContent));
        Assert.True(oldExit == 0, oldOutput);
        Assert.Contains($"{TestKeysFingerprint}  -", oldOutput);
        Assert.True(newExit == 0, newOutput);
        Assert.Contains($"{keys.Current.Fingerprint}  -", newOutput);
        Assert.True(SnapshotFolderVerifier.Verify(oldFolder, oldPublic).Verified);
        Assert.True(SnapshotFolderVerifier.Verify(newFolder, null).Verified);
        Assert.False(SnapshotFolderVerifier.Verify(oldFolder, Path.Combine(newFolder, "public-key.pem")).Verified);
    }

    private static string TestKeysFingerprint =>
        SnapshotPublicKey.FromPem(File.ReadAllText(TestKeys.SnapshotSigningKeyFile)).Fingerprint;

    private async Task<Guid> MakeAsync(string ctpHistory)
    {
        await _database.ImportCtpAsync(ctpHistory);
        var outcome = await _database.Get<SnapshotService>().MakeAsync(SnapshotService.Scheduled, null);
        Assert.Equal(SnapshotState.Published, outcome.State);
        return outcome.SnapshotId!.Value;
    }

    /// <summary>What a superuser can do: switch every trigger off for the session and rewrite rows.</summary>
    private async Task BehindTheAppsBackAsync(string sql)
    {
        await using var db = _database.BehindTheAppsBack();
        await db.Database.OpenConnectionAsync();
        await db.Database.ExecuteSqlRawAsync("SET session_replication_role = replica");
        await db.Database.ExecuteSqlRawAsync(sql);
        await db.Database.ExecuteSqlRawAsync("SET session_replication_role = DEFAULT");
    }

    /// <summary>Runs the commands the snapshot's own page shows, in a folder of their own; returns what they printed and the folder they made.</summary>
    private async Task<(int ExitCode, string Output, string Folder)> DownloadWithThePagesCommandsAsync(InProcessApp app, Guid snapshotId, bool stopAtFirstFailure = true)
    {
        var html = await app.NewClient().GetStringAsync($"/data/snapshots/{snapshotId}");
        var work = Directory.CreateDirectory(Path.Combine(_temp, snapshotId.ToString())).FullName;
        var (exitCode, output) = await Shell.RunAsync(work, SignedSnapshotFixture.CommandsOnPage(html), stopAtFirstFailure);
        return (exitCode, output, Directory.GetDirectories(work).Single());
    }
}
