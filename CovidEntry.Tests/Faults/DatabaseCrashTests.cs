using System.Net;
using CovidEntry.App.Features.Audit;
using CovidEntry.App.Features.Imports;
using CovidEntry.App.Features.Publish;
using CovidEntry.App.Features.Snapshots;
using CovidEntry.Domain.Batches;
using CovidEntry.Domain.Snapshots;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CovidEntry.Tests.Faults;

/// <summary>
/// A cluster of the class's own, its database, the core loop's people and the real app running
/// on it. The tests crash this cluster, so they share it with nobody else.
/// </summary>
public sealed class CrashableAppFixture : IAsyncLifetime
{
    public PrivateCluster Cluster { get; private set; } = null!;
    public TestDatabase Database { get; private set; } = null!;
    public LoopScenario Loop { get; private set; } = null!;
    public InProcessApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cluster = await PrivateCluster.StartAsync();
        Database = new TestDatabase(createDatabase: () => Task.FromResult(Cluster.ConnectionString));
        await Database.InitializeAsync();
        Loop = await new LoopScenario(Database).WithPeopleAsync();
        App = await InProcessApp.StartAsync(Cluster.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Database.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}

/// <summary>
/// PostgreSQL stopped with <c>pg_ctl stop -m immediate</c> in the middle of a write, then started
/// again: nothing half-written is visible, and the running app serves again without a restart.
/// Each test holds the operation at a point inside its transaction with a table lock taken by a
/// connection of its own, so the crash lands mid-operation every time rather than by luck.
/// </summary>
public class DatabaseCrashTests(CrashableAppFixture fixture) : IClassFixture<CrashableAppFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly TestDatabase _database = fixture.Database;
    private readonly LoopScenario _loop = fixture.Loop;

    [Fact]
    public async Task ACrashDuringPublishLeavesTheBatchUnpublishedWithNoVersionsAndThePublishThenSucceeds()
    {
        var shiftId = await _loop.VerifiedShiftInReviewAsync(new DateOnly(2020, 11, 20), Values("22,500", "99", "130"), "AK");
        var batchId = await BatchOfAsync(shiftId);
        var versionsBefore = await _loop.VersionCountAsync();

        // Reads of the latest table go through; the publish's writes to it wait, inside its transaction.
        var publish = await CrashWhileWaitingAsync("LatestValues", "EXCLUSIVE",
            () => InApp<PublishService>().PublishShiftAsync(shiftId, _loop.Lead));

        AssertDatabaseWasLost(publish);
        await using (var db = await _database.DbAsync())
        {
            Assert.Equal(BatchStatus.Open, (await db.Batches.SingleAsync(b => b.Id == batchId)).Status);
            Assert.Equal(0, await db.ValueVersions.CountAsync(v => v.BatchId == batchId));
            Assert.Equal(0, await db.LatestValues.CountAsync(l => l.BatchId == batchId));
        }

        var result = await InApp<PublishService>().PublishShiftAsync(shiftId, _loop.Lead);

        await using (var db = await _database.DbAsync())
        {
            Assert.Equal(BatchStatus.Published, (await db.Batches.SingleAsync(b => b.Id == batchId)).Status);
            Assert.Equal(result.VersionsWritten, await db.ValueVersions.CountAsync(v => v.BatchId == batchId));
            Assert.Equal(versionsBefore + result.VersionsWritten, await db.ValueVersions.CountAsync());
        }

        Assert.True(result.VersionsWritten > 0);
        await AssertAuditChainHoldsAsync();
    }

    [Fact]
    public async Task ACrashDuringImportLeavesNoImportBatchAndNoVersionsAndTheImportThenSucceeds()
    {
        var content = await File.ReadAllTextAsync(CtpSample.HistoryFile);
        var versionsBefore = await _loop.VersionCountAsync();

        // The import saves its batch and copies its cells, then waits to write the versions and the latest table.
        var import = await CrashWhileWaitingAsync("LatestValues", "EXCLUSIVE", () => ImportInAppAsync(content));

        AssertDatabaseWasLost(import);
        await using (var db = await _database.DbAsync())
        {
            Assert.Equal(0, await db.Batches.CountAsync(b => b.Kind == BatchKind.Import));
            Assert.Equal(versionsBefore, await db.ValueVersions.CountAsync());
        }

        var report = await ImportInAppAsync(content);

        Assert.True(report.Imported, string.Join("\n", ImportReportText.Lines(report)));
        await using (var db = await _database.DbAsync())
        {
            Assert.Equal(BatchStatus.Published, (await db.Batches.SingleAsync(b => b.Id == report.BatchId)).Status);
            Assert.Equal(report.VersionsWritten, await db.ValueVersions.CountAsync(v => v.BatchId == report.BatchId));
            Assert.True(report.VersionsWritten > 0);
        }

        await AssertAuditChainHoldsAsync();
    }

    [Fact]
    public async Task ACrashDuringASnapshotPublishesNothingAndTheNextRunFailsTheLeftoverAndPublishes()
    {
        var shiftId = await _loop.VerifiedShiftInReviewAsync(new DateOnly(2020, 11, 21), Values("23,000", "100", "131"), "AK");
        await InApp<PublishService>().PublishShiftAsync(shiftId, _loop.Lead);

        // The snapshot records itself as "making", then waits to read the metric catalog for its files.
        // The public files are rebuilt after the publish and read the catalog too: only the snapshot's wait counts.
        var snapshot = await CrashWhileWaitingAsync("Metrics", "ACCESS EXCLUSIVE",
            () => InApp<SnapshotService>().MakeAsync(SnapshotService.OnDemand, _loop.Admin),
            """SELECT count(*) FROM "Snapshots" WHERE "State" = 'Making'""");

        AssertDatabaseWasLost(snapshot);
        Guid leftOver;
        await using (var db = await _database.DbAsync())
        {
            leftOver = (await db.Snapshots.SingleAsync(s => s.State == SnapshotState.Making)).Id;
            await AssertEveryPublishedSnapshotIsWholeAsync(db);
        }

        var outcome = await InApp<SnapshotService>().MakeAsync(SnapshotService.OnDemand, _loop.Admin);

        Assert.Equal(SnapshotState.Published, outcome.State);
        await using (var db = await _database.DbAsync())
        {
            Assert.Equal(SnapshotState.Failed, (await db.Snapshots.SingleAsync(s => s.Id == leftOver)).State);
            Assert.Equal(0, await db.Snapshots.CountAsync(s => s.State == SnapshotState.Making));
            await AssertEveryPublishedSnapshotIsWholeAsync(db);
        }

        await AssertAuditChainHoldsAsync();
    }

    /// <summary>
    /// Starts <paramref name="operation"/> while another connection holds a lock on
    /// <paramref name="table"/>, crashes the database once the operation waits for it, checks the
    /// app reports itself not ready, then starts the database and waits until the app is ready again.
    /// </summary>
    /// <param name="reached">SQL counting what shows the operation itself got as far as the lock (another session may wait there too).</param>
    private async Task<Task> CrashWhileWaitingAsync(string table, string lockMode, Func<Task> operation, string? reached = null)
    {
        using var http = fixture.App.NewClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz/ready")).StatusCode);

        // Unpooled: a pooled connection is reset on close, which fails once its server is gone.
        // The superuser: it may lock the app's tables and see what every session waits for.
        var unpooled = new NpgsqlConnectionStringBuilder(TestCluster.AsRole(fixture.Cluster.ConnectionString, App.Data.DatabaseRole.Super)) { Pooling = false }.ConnectionString;
        var running = Task.CompletedTask;
        await using (var locker = new NpgsqlConnection(unpooled))
        await using (var watcher = new NpgsqlConnection(unpooled))
        {
            await locker.OpenAsync();

            // A transaction sees pg_stat_activity as it was at its first look, so the locker cannot watch.
            await watcher.OpenAsync();
            await using (var begin = new NpgsqlCommand($"BEGIN; LOCK TABLE \"{table}\" IN {lockMode} MODE", locker))
            {
                await begin.ExecuteNonQueryAsync();
            }

            running = Task.Run(operation);
            try
            {
                await UntilAsync(async () =>
                {
                    Assert.False(running.IsCompleted, $"The operation finished before it reached the lock on {table}: {running.Exception}");
                    await using var waiting = new NpgsqlCommand(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'", watcher);
                    if ((long)(await waiting.ExecuteScalarAsync())! == 0)
                    {
                        return false;
                    }

                    await using var itself = new NpgsqlCommand(reached ?? "SELECT 1", watcher);
                    return Convert.ToInt64(await itself.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) > 0;
                }, $"an operation waiting for the lock on {table}");
            }
            catch (Exception) when (!running.IsCompleted)
            {
                await using var activity = new NpgsqlCommand("SELECT string_agg(pid || ' ' || coalesce(datname, '-') || ' ' || coalesce(wait_event_type, '-') || ' ' || coalesce(wait_event, '-') || ' ' || coalesce(state, '-') || ': ' || left(query, 120), E'\n') FROM pg_stat_activity", watcher);
                Assert.Fail($"Nothing waited for the lock on {table} ({running.Status}). Activity:\n{await activity.ExecuteScalarAsync()}");
            }

            await fixture.Cluster.CrashAsync();
            await Assert.ThrowsAnyAsync<Exception>(() => running.WaitAsync(Patience));
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/healthz/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);

        await fixture.Cluster.StartAgainAsync();
        await UntilAsync(async () => (await http.GetAsync("/healthz/ready")).StatusCode == HttpStatusCode.OK, "the app to report itself ready");
        return running;
    }

    private static void AssertDatabaseWasLost(Task operation)
    {
        for (Exception? cause = operation.Exception?.InnerException; cause is not null; cause = cause.InnerException)
        {
            if (cause is NpgsqlException)
            {
                return;
            }
        }

        Assert.Fail($"The operation failed, but not because the database went away: {operation.Exception}");
    }

    private static async Task AssertEveryPublishedSnapshotIsWholeAsync(CovidEntry.App.Data.CovidEntryDbContext db)
    {
        var published = await db.Snapshots.Where(s => s.State == SnapshotState.Published).Include(s => s.Files).ToListAsync();
        Assert.All(published, s => Assert.Equal(
            ["datapackage.json", "states-daily.csv", "states-daily.json", "states-daily.parquet", "states-info.csv", "states-info.json", "states-info.parquet", "us-daily.csv", "us-daily.json", "us-daily.parquet"],
            s.Files.Select(f => f.Name).Order(StringComparer.Ordinal)));
    }

    private async Task AssertAuditChainHoldsAsync()
    {
        var verification = await InApp<AuditVerifier>().VerifyAsync();
        AuditChecks.AssertIntact(verification);
        Assert.True(verification.Events > 0);
    }

    private async Task<ImportReport> ImportInAppAsync(string content)
    {
        await using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content));
        return await InApp<CtpImportService>().ImportAsync(stream, "ctp-history.csv", CtpImportService.CommandLineUser);
    }

    private async Task<Guid> BatchOfAsync(Guid shiftId)
    {
        await using var db = await _database.DbAsync();
        return (await db.Shifts.SingleAsync(s => s.Id == shiftId)).BatchId;
    }

    /// <summary>A service of the running app, in a scope of its own as one request or circuit would have.</summary>
    private T InApp<T>() where T : notnull => fixture.App.Services.CreateScope().ServiceProvider.GetRequiredService<T>();

    private static Dictionary<string, string> Values(string positive, string death, string hospitalizedCurrently) => new()
    {
        ["positive"] = positive,
        ["death"] = death,
        ["hospitalizedCurrently"] = hospitalizedCurrently,
    };

    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Waited {Patience.TotalSeconds:0} s for {what}.");
            await Task.Delay(100);
        }
    }
}
