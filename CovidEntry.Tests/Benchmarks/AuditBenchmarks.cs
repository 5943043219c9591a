using System.Diagnostics;
using CovidEntry.App.Features.Audit;
using CovidEntry.Domain.Audit;
using Microsoft.Extensions.Configuration;
using Xunit.Abstractions;

namespace CovidEntry.Tests.Benchmarks;

/// <summary>
/// The audit page at a million events: each filter's first page, a deep page, a record's history,
/// and audit-verify over the whole chain. Opt-in:
/// <c>dotnet test CovidEntry.Tests -c Release --filter "FullyQualifiedName~AuditBenchmarks" --logger "console;verbosity=detailed"</c>.
/// </summary>
[Trait("Category", "Benchmark")]
public sealed class AuditBenchmarks(ITestOutputHelper output)
{
    private static readonly int Events = int.TryParse(Environment.GetEnvironmentVariable("BENCH_AUDIT_EVENTS"), out var n) ? n : 1_000_000;
    private static readonly string[] Tables = ["Entries", "Passes", "PassValues", "PassDrafts", "ValueVersions", "LatestValues", "Batches", "Shifts"];

    [Fact]
    public async Task PagingAMillionEvents()
    {
        var database = new TestDatabase();
        await database.InitializeAsync();
        var people = Enumerable.Range(0, 50).Select(i => $"user-{i:00}").ToArray();
        var batches = Enumerable.Range(0, 500).Select(_ => Guid.CreateVersion7()).ToArray();
        // A year of history (30 s apart), ending now, written after the seeded database's own events.
        var start = DateTime.UtcNow.Date.AddSeconds(-30.0 * Events);
        var random = new Random(7);

        var fill = Stopwatch.StartNew();
        for (var written = 0; written < Events; written += 50_000)
        {
            var chunk = Enumerable.Range(written, Math.Min(50_000, Events - written)).Select(i => new AuditEvent(
                start.AddSeconds(i * 30), people[i % people.Length], people[i % people.Length] + "@example.org", (AuditAction)(i % 3),
                Tables[random.Next(Tables.Length)], $"{i % 20_000:x8}-0000-7000-8000-000000000000",
                [new FieldChange("Value", (i - 1).ToString(), i.ToString()), new FieldChange("Status", "AwaitingPasses", "Verified")],
                $"circuit:{i / 40}", null, batches[i / 2_000 % batches.Length])).ToList();
            await using var db = await database.DbAsync();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await AuditLog.WriteAsync(db, chunk, CancellationToken.None);
            await transaction.CommitAsync();
        }

        var writeTime = fill.Elapsed;
        var linking = Stopwatch.StartNew();
        var linked = await database.Get<AuditChainer>().CatchUpAsync(wait: true);
        Assert.True(linked >= Events, $"Linked {linked} events."); // and the seeded database's own, waiting since it was made

        // Only the owner of a table may analyze it (the app's role would be skipped with a warning).
        await using (var db = database.BehindTheAppsBack(App.Data.DatabaseRole.Owner))
        {
            await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.ExecuteSqlRawAsync(db.Database, "ANALYZE \"AuditEvents\"");
        }

        output.WriteLine($"Wrote {Events:#,0} events in {writeTime.TotalSeconds:0.0} s (the app's append path: binary COPY, the queue trigger), "
            + $"then linked them onto the chain in {linking.Elapsed.TotalSeconds:0.0} s");

        var queries = database.Get<AuditQueries>();
        var admin = await database.CreateUserAsync("Ada Admin", CovidEntry.Domain.People.Roles.Admin);
        var all = await queries.PageAsync(new AuditFilter(), admin, null);
        var middle = all[0].Id / 2;
        await MeasureAsync("newest page, no filter", () => queries.PageAsync(new AuditFilter(), admin, null));
        await MeasureAsync("page 10,000 deep (keyset)", () => queries.PageAsync(new AuditFilter(), admin, middle));
        await MeasureAsync("one person", () => queries.PageAsync(new AuditFilter { UserId = "user-17" }, admin, null));
        await MeasureAsync("one person, deep", () => queries.PageAsync(new AuditFilter { UserId = "user-17" }, admin, middle));
        await MeasureAsync("one record kind", () => queries.PageAsync(new AuditFilter { EntityType = "PassDrafts" }, admin, null));
        await MeasureAsync("a record's history", () => queries.PageAsync(new AuditFilter { EntityType = "Passes", EntityKey = "00000abc-0000-7000-8000-000000000000" }, admin, null));
        await MeasureAsync("action Delete", () => queries.PageAsync(new AuditFilter { Action = AuditAction.Delete }, admin, null));
        await MeasureAsync("one day", () => queries.PageAsync(new AuditFilter { FromUtc = start.AddDays(Events / 2880 / 2), UntilUtc = start.AddDays(Events / 2880 / 2 + 1) }, admin, null));

        var verify = Stopwatch.StartNew();
        await database.Get<AuditChainer>().CatchUpAsync(wait: true);
        // The history was written in a minute but dated over a year: the order check allows that much.
        var tolerance = new ConfigurationBuilder()
            .AddInMemoryCollection([KeyValuePair.Create<string, string?>("Audit:OrderToleranceMinutes", (30.0 * Events / 60 + 2 * 1440).ToString(System.Globalization.CultureInfo.InvariantCulture))])
            .Build();
        var verifier = new AuditVerifier(database.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<App.Data.CovidEntryDbContext>>(), database.Get<AuditKeys>(), database.Get<AuditHeadLog>(),
            database.Get<App.Features.Snapshots.SnapshotSigningKeys>(), tolerance);
        var result = await verifier.VerifyAsync();
        output.WriteLine($"audit-verify over {result.Events:#,0} events: {verify.Elapsed.TotalSeconds:0.0} s");
        AuditChecks.AssertIntact(result);
        await database.DisposeAsync();
    }

    private async Task MeasureAsync(string name, Func<Task<IReadOnlyList<AuditRow>>> page)
    {
        var rows = await page();
        var times = new List<double>();
        for (var i = 0; i < 20; i++)
        {
            var watch = Stopwatch.StartNew();
            await page();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        output.WriteLine($"{name}: {rows.Count} rows, median {times[10]:0.0} ms, slowest {times[^1]:0.0} ms");
    }
}
