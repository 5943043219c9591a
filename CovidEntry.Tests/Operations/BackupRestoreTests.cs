using CovidEntry.App.Features.Jurisdictions;
using System.Diagnostics;
using CovidEntry.App.Data;
using CovidEntry.App.Features.Audit;
using CovidEntry.App.Features.Publish;
using CovidEntry.App.Features.Screenshots;
using CovidEntry.App.Features.Snapshots;
using CovidEntry.Domain.Screenshots;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CovidEntry.Tests.Operations;

/// <summary>
/// The backup procedure of the README, end to end: pg_dump of a working database, pg_restore into a
/// fresh cluster, then the restored copy's audit chain verifies and its latest snapshot is made
/// again byte for byte (screenshots included, since they live in the same database).
/// </summary>
public class BackupRestoreTests : LoopTest
{
    [Fact]
    public async Task ARestoredBackupVerifiesItsAuditChainAndRemakesTheLatestSnapshotByteForByte()
    {
        var shiftId = await Loop.VerifiedShiftInReviewAsync(Day, new Dictionary<string, string> { ["positive"] = "1,234", ["death"] = "56" }, "NY", "CA");
        await Database.Get<PublishService>().PublishShiftAsync(shiftId, Loop.Lead);
        var sourceId = await Database.Get<SourceService>().AddAsync("NY", new SourceForm { Label = "Backup test", Url = "https://example.org/ny" }, Loop.Admin);
        var screenshot = await Database.Get<ScreenshotService>().UploadAsync("NY", sourceId, ImageCorpus.ScreenshotPng(), ScreenshotOrigin.Upload, Loop.Vera);
        var snapshot = await Database.Get<SnapshotService>().MakeAsync(SnapshotService.OnDemand, Loop.Admin);
        Assert.Equal(CovidEntry.Domain.Snapshots.SnapshotState.Published, snapshot.State);

        // The launcher makes the cluster's folder itself, owned by whoever runs PostgreSQL.
        var folder = Directory.CreateTempSubdirectory("covidentry-tests-restore-");
        var dump = Path.Combine(folder.FullName, "covidentry.dump");
        var clusterFolder = Path.Combine(Path.GetTempPath(), $"covidentry-tests-restored-{Guid.NewGuid():N}");
        await using var fresh = await LocalPostgres.StartAsync(clusterFolder, fastAndUnsafe: true);
        try
        {
            // As the README says: dump as the owner role, restore as the new database's owner without
            // the old grants, then `migrate` grants the app's role what it needs.
            var source = TestCluster.AsRole(Database.ConnectionString, DatabaseRole.Owner);
            await PostgresTools.RunAsync("pg_dump", $"-Fc --no-owner --no-privileges -f {dump} \"{source.ToLibpq()}\"", source);
            await fresh.CreateDatabaseIfMissingAsync("restored");
            var target = fresh.ConnectionStringFor("restored", DatabaseRole.Owner);
            await PostgresTools.RunAsync("pg_restore", $"--no-owner --no-privileges --exit-on-error -d \"{target.ToLibpq()}\" {dump}", target);

            await using var restored = TestApp.Build(fresh.ConnectionStringFor("restored"), TestApp.MigrateAs(fresh.ConnectionStringFor("restored", DatabaseRole.Owner)));
            await restored.PrepareDatabaseAsync(migrate: true);
            var verification = await restored.Services.LinkAndVerifyAsync();
            AuditChecks.AssertIntact(verification);
            await using var original = await Database.DbAsync();
            Assert.Equal(await original.AuditEvents.CountAsync(), verification.Events);

            var snapshots = restored.Services.CreateScope().ServiceProvider;
            var stored = await snapshots.GetRequiredService<IDbContextFactory<CovidEntryDbContext>>().CreateDbContextAsync();
            var published = await stored.Snapshots.AsNoTracking().Include(s => s.Files).SingleAsync(s => s.Id == snapshot.SnapshotId);
            var remade = await snapshots.GetRequiredService<SnapshotService>().GenerateFilesAsync(published.LastVersionId, _ => Task.CompletedTask);
            Assert.Equal(published.Files.Count, remade.Count);
            foreach (var file in remade)
            {
                Assert.Equal(published.Files.Single(f => f.Name == file.Name).Sha256, file.Sha256);
            }

            var image = await stored.ImageBlobs.AsNoTracking().SingleAsync(b => b.Sha256 == screenshot.Sha256);
            Assert.Equal(screenshot.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(image.Content)));
            await stored.DisposeAsync();
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await fresh.StopAsync();
            folder.Delete(recursive: true);
            Directory.Delete(clusterFolder, recursive: true);
        }
    }
}
