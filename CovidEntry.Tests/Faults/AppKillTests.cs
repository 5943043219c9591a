using CovidEntry.App.Data;
using CovidEntry.App.Features.Audit;
using CovidEntry.Domain.Snapshots;
using CovidEntry.Tests.Browser;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CovidEntry.Tests.Faults;

/// <summary>
/// The app process killed (SIGKILL, no shutdown of any kind) while its scheduler writes a snapshot,
/// then started again. A snapshot's files are rows written in the transaction that makes it
/// public, so a killed writer can leave at most a snapshot marked "making", never files.
/// </summary>
public class AppKillTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>The scheduler tries every two seconds; nothing else runs in the background.</summary>
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Snapshots__Enabled"] = "true",
        ["Snapshots__Schedule"] = "*/2 * * * * *",
        ["Screenshots__CaptureEnabled"] = "false",
        ["Alerts__StalenessCheckMinutes"] = "0",
    };

    [Fact]
    public async Task KillingTheAppWhileItWritesASnapshotLeavesNoFilesAndTheNextRunPublishes()
    {
        var connectionString = await TestCluster.CreateDatabaseAsync("appkill");
        await TestApp.ImportCtpAsync(connectionString, CtpSample.HistoryOf("NY"), "ny.csv");

        // From here on, every connection to this database but the test's unpooled ones is the app's.
        NpgsqlConnection.ClearAllPools();
        // The superuser: it may lock the app's tables and see what every session waits for.
        var unpooled = new NpgsqlConnectionStringBuilder(TestCluster.AsRole(connectionString, App.Data.DatabaseRole.Super)) { Pooling = false }.ConnectionString;

        Guid leftOver;
        await using (var locker = new NpgsqlConnection(unpooled))
        {
            // The snapshot's last step (its files, its state, its audit events, one transaction)
            // waits for this lock: the kill lands after the files were generated, mid-write.
            await locker.OpenAsync();
            await Execute(locker, "BEGIN; LOCK TABLE \"SnapshotFiles\" IN EXCLUSIVE MODE");

            var app = await AppServer.StartAsync(connectionString, environment: Settings);
            try
            {
                await UntilAsync(async () => await Scalar<long>(unpooled,
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%SnapshotFiles%'") > 0,
                    $"the snapshot to wait for the lock on its files\n{app.Output}");
            }
            finally
            {
                await app.DisposeAsync();
            }

            await Execute(locker, "ROLLBACK");
        }

        // The killed app's connections end once the server notices it is gone; until then they hold locks.
        await UntilAsync(async () => await Scalar<long>(unpooled,
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()") == 0,
            "the killed app's connections to end", () => Scalar<string>(unpooled,
                "SELECT string_agg(pid || ' ' || coalesce(state, '-') || ' ' || coalesce(wait_event_type, '-') || ': ' || left(query, 100), E'\\n') FROM pg_stat_activity WHERE datname = current_database()"));

        await using (var db = NewDb(connectionString))
        {
            var snapshot = await db.Snapshots.AsNoTracking().SingleAsync();
            Assert.Equal(SnapshotState.Making, snapshot.State);
            leftOver = snapshot.Id;
            Assert.Equal(0, await db.SnapshotFiles.CountAsync());
        }

        var again = await AppServer.StartAsync(connectionString, environment: Settings);
        try
        {
            await UntilAsync(async () =>
            {
                await using var db = NewDb(connectionString);
                return await db.Snapshots.AnyAsync(s => s.State == SnapshotState.Published);
            }, $"the restarted app to publish a snapshot\n{again.Output}");
        }
        finally
        {
            await again.DisposeAsync();
        }

        await using (var db = NewDb(connectionString))
        {
            var snapshots = await db.Snapshots.AsNoTracking().Include(s => s.Files).ToListAsync();
            var failed = Assert.Single(snapshots, s => s.Id == leftOver);
            Assert.Equal(SnapshotState.Failed, failed.State);
            Assert.Contains("stopped", failed.Problems, StringComparison.Ordinal);
            Assert.Empty(failed.Files);

            var published = Assert.Single(snapshots, s => s.State == SnapshotState.Published);
            Assert.Equal(await App.Features.History.PublishedIds.LastAsync(db), published.LastVersionId);
            Assert.Equal(
                ["datapackage.json", "states-daily.csv", "states-daily.json", "states-daily.parquet", "states-info.csv", "states-info.json", "states-info.parquet", "us-daily.csv", "us-daily.json", "us-daily.parquet"],
                published.Files.Select(f => f.Name).Order(StringComparer.Ordinal));

            // No file belongs to anything but the published snapshot.
            Assert.Equal(published.Files.Count, await db.SnapshotFiles.CountAsync());
            Assert.DoesNotContain(snapshots, s => s.State == SnapshotState.Making);
        }

        await using var services = TestApp.Build(connectionString);
        var chain = await services.Services.LinkAndVerifyAsync();
        AuditChecks.AssertIntact(chain);
    }

    private static CovidEntryDbContext NewDb(string connectionString) =>
        new(new DbContextOptionsBuilder<CovidEntryDbContext>().UseNpgsql(connectionString).Options);

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> Scalar<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what, Func<Task<string>>? explain = null)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Waited {Patience.TotalSeconds:0} s for {what}.\n{(explain is null ? "" : await explain())}");
            }

            await Task.Delay(200);
        }
    }
}
