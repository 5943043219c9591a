using System.Text.Json;
using CovidEntry.App.Data.Seeding;
using CovidEntry.App.Features.Audit;
using CovidEntry.App.Features.Catalog;
using CovidEntry.App.Features.Entries;
using CovidEntry.App.Features.History;
using CovidEntry.App.Features.Publish;
using CovidEntry.App.Features.Quality;
using CovidEntry.App.Features.Snapshots;
using CovidEntry.Domain;
using CovidEntry.Domain.Metrics;
using CovidEntry.Domain.Quality;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CovidEntry.Tests.Integration;

/// <summary>The metric catalog managed in the app: what an admin changes, everything downstream follows.</summary>
public class MetricCatalogTests : PublicApiTest
{
    private MetricCatalogService Catalog => Database.Get<MetricCatalogService>();

    private static MetricForm PeoplePositive() => new()
    {
        Key = "positiveTestsPeopleViral",
        Label = "Positive PCR tests (people)",
        Group = MetricGroup.ViralTests,
        Kind = MetricKind.Cumulative,
        V1Column = "positiveTestsPeopleViral",
        V2Path = "tests.pcr.people.positive",
        PartOf = ["totalTestsPeopleViral"],
    };

    [Fact]
    public async Task AnAddedMetricIsAskedOnThePassFormAndItsPublishedValueIsInTheV1AndV2FilesAndTheSnapshot()
    {
        await Catalog.AddAsync(PeoplePositive(), Loop.Admin);

        var shiftId = await Loop.OpenShiftAsync(Day, "NY");
        var form = await Database.Get<EntryService>().GetPassFormAsync(await Loop.EntryIdAsync(shiftId, "NY"), 1, Loop.Vera);
        Assert.Equal("positiveTestsPeopleViral", form.Metrics[^1].Key);
        await Loop.VerifyAllAsync(shiftId, new Dictionary<string, string> { ["positive"] = "5", ["totalTestsPeopleViral"] = "100", ["positiveTestsPeopleViral"] = "42" });
        await Loop.BeginReviewAsync(shiftId);
        await Loop.ApproveAllAsync(shiftId);
        await Database.Get<PublishService>().PublishShiftAsync(shiftId, Loop.Lead);

        var csv = (await Http.GetStringAsync("/api/v1/states/daily.csv")).Split('\n');
        var header = csv[0].Split(',').Select(c => c.Trim('"')).ToList();
        var ny = csv.Single(l => l.Contains("\"NY\"")).Split(',');
        Assert.Equal("42", ny[header.IndexOf("positiveTestsPeopleViral")]);
        using var v1Json = JsonDocument.Parse(await Http.GetStringAsync("/api/v1/states/ny/daily.json"));
        Assert.Equal(42, v1Json.RootElement[0].GetProperty("positiveTestsPeopleViral").GetInt64());
        using var v2 = JsonDocument.Parse(await Http.GetStringAsync("/api/v2/states/ny/daily.json"));
        Assert.Equal(42, v2.RootElement.GetProperty("data")[0].GetProperty("tests").GetProperty("pcr").GetProperty("people").GetProperty("positive").GetProperty("value").GetInt64());
        Assert.Contains(v2.RootElement.GetProperty("meta").GetProperty("fields").EnumerateArray(),
            f => f.GetProperty("key").GetString() == "positiveTestsPeopleViral" && f.GetProperty("path").GetString() == "tests.pcr.people.positive");

        var snapshot = (await Database.Get<SnapshotService>().MakeAsync(SnapshotService.OnDemand, Loop.Admin)).SnapshotId!.Value;
        using var package = JsonDocument.Parse(await Http.GetStringAsync($"/data/snapshots/{snapshot}/datapackage.json"));
        var states = package.RootElement.GetProperty("resources").EnumerateArray().Single(r => r.GetProperty("path").GetString() == "states-daily.parquet");
        var field = states.GetProperty("schema").GetProperty("fields").EnumerateArray().Single(f => f.GetProperty("name").GetString() == "positiveTestsPeopleViral");
        Assert.Equal("integer", field.GetProperty("type").GetString());
        Assert.Contains("Positive PCR tests (people)", field.GetProperty("description").GetString());
        var parquet = await Http.GetByteArrayAsync($"/data/snapshots/{snapshot}/states-daily.parquet");
        await using var reader = await Parquet.ParquetReader.CreateAsync(new MemoryStream(parquet), null, false, CancellationToken.None);
        Assert.Contains(reader.Schema.DataFields, f => f.Name == "positiveTestsPeopleViral");
    }

    [Fact]
    public async Task ARetiredMetricLeavesNewPassFormsButStaysInHistoryAndTheFilesAndCanBeRestored()
    {
        await Catalog.AddAsync(PeoplePositive(), Loop.Admin);
        var shiftId = await Loop.VerifiedShiftInReviewAsync(Day, new Dictionary<string, string> { ["positiveTestsPeopleViral"] = "42" }, "NY");
        await Database.Get<PublishService>().PublishShiftAsync(shiftId, Loop.Lead);

        await Catalog.RetireAsync("positiveTestsPeopleViral", Loop.Admin);

        var next = await Loop.OpenShiftAsync(Day.AddDays(1), "NY");
        var form = await Database.Get<EntryService>().GetPassFormAsync(await Loop.EntryIdAsync(next, "NY"), 1, Loop.Vera);
        Assert.DoesNotContain(form.Metrics, m => m.Key == "positiveTestsPeopleViral");
        var history = await Database.Get<HistoryService>().JurisdictionAsync("NY", null);
        Assert.Contains(history.Metrics, m => m.Key == "positiveTestsPeopleViral" && m.Label.EndsWith("(retired)", StringComparison.Ordinal));
        Assert.Equal(42, history.Days.Single().Values["positiveTestsPeopleViral"].Value);
        var csv = (await Http.GetStringAsync("/api/v1/states/daily.csv")).Split('\n');
        var header = csv[0].Split(',').Select(c => c.Trim('"')).ToList();
        Assert.Equal("42", csv[1].Split(',')[header.IndexOf("positiveTestsPeopleViral")]);

        await Catalog.RestoreAsync("positiveTestsPeopleViral", Loop.Admin);
        var again = await Database.Get<EntryService>().GetPassFormAsync(await Loop.EntryIdAsync(next, "NY"), 1, Loop.Vera);
        Assert.Contains(again.Metrics, m => m.Key == "positiveTestsPeopleViral");
    }

    [Fact]
    public async Task AMetricRetiredWhileAShiftRunsStaysInItsReviewAndAnOpenFormWithoutItsValueStillSubmits()
    {
        var shiftId = await Loop.OpenShiftAsync(Day, "NY", "VT");
        var ny = await Loop.EntryIdAsync(shiftId, "NY");
        var vt = await Loop.EntryIdAsync(shiftId, "VT");
        await Loop.SubmitAsync(ny, 1, Loop.Vera, new Dictionary<string, string> { ["recovered"] = "7" });
        await Loop.SubmitAsync(ny, 2, Loop.Cole, new Dictionary<string, string> { ["recovered"] = "7" });
        var openForm = EntryFormModel.For((await Database.Get<EntryService>().GetPassFormAsync(vt, 1, Loop.Vera)).Metrics);
        openForm.Values.Single(v => v.Key == "positive").Text = "5";
        var typedRetired = EntryFormModel.For((await Database.Get<EntryService>().GetPassFormAsync(vt, 1, Loop.Vera)).Metrics);
        typedRetired.Values.Single(v => v.Key == "recovered").Text = "3";

        await Catalog.RetireAsync("recovered", Loop.Admin);

        var refusal = await Assert.ThrowsAsync<DomainException>(() => Database.Get<EntryService>().SubmitAsync(vt, 1, Loop.Vera, typedRetired));
        Assert.Contains("no longer in the metric catalog (recovered)", refusal.Message);
        await Database.Get<EntryService>().SubmitAsync(vt, 1, Loop.Vera, openForm);
        await Loop.SubmitAsync(vt, 2, Loop.Cole, new Dictionary<string, string> { ["positive"] = "5" });
        await Loop.BeginReviewAsync(shiftId);
        var review = (await Database.Get<CovidEntry.App.Features.Review.ReviewService>().GetAsync(shiftId, Loop.Lead))!;
        Assert.Equal(7, review.Entries.Single(e => e.Code == "NY").Values.Single(v => v.MetricKey == "recovered").Value);
    }

    [Fact]
    public async Task OnlyAnAdminMayChangeTheCatalogAndTheRoleIsCheckedAtTheMomentOfActing()
    {
        foreach (var person in new[] { Loop.Lead, Loop.Vera })
        {
            await Assert.ThrowsAsync<DomainException>(() => Catalog.AddAsync(PeoplePositive(), person));
            await Assert.ThrowsAsync<DomainException>(() => Catalog.RetireAsync("recovered", person));
            await Assert.ThrowsAsync<DomainException>(() => Catalog.MoveAsync("recovered", up: true, person));
            await Assert.ThrowsAsync<DomainException>(() => Catalog.UpdateAsync(MetricForm.For(CtpMetricCatalog.All[0], hasValues: false), person));
        }

        await using var db = await Database.DbAsync();
        Assert.Equal(CtpMetricCatalog.All.Count, await db.Metrics.CountAsync());
        Assert.True(await db.Metrics.Where(m => m.Key == "recovered").Select(m => m.IsActive).SingleAsync());
    }

    [Theory]
    [InlineData(nameof(MetricForm.Key), "1positive", "A key is letters and digits only, starting with a letter.")]
    [InlineData(nameof(MetricForm.Key), "positive", "A metric with this key exists already (retired ones count too).")]
    [InlineData(nameof(MetricForm.Key), "pos-itive", "A key is letters and digits only, starting with a letter.")]
    [InlineData(nameof(MetricForm.V1Column), "positiveIncrease", "The v1 files already have a column of this name (a fixed or derived one); choose another.")]
    [InlineData(nameof(MetricForm.V1Column), "date", "The v1 files already have a column of this name (a fixed or derived one); choose another.")]
    [InlineData(nameof(MetricForm.V1Column), "hash", "The v1 files already have a column of this name (a fixed or derived one); choose another.")]
    [InlineData(nameof(MetricForm.V1Column), "Death", "Another metric has this v1 column already (retired ones count too).")]
    [InlineData(nameof(MetricForm.V1Column), "=cmd()", "A column name is letters and digits only, starting with a letter.")]
    [InlineData(nameof(MetricForm.V2Path), "cases.total", "The v2 path cases.total of positiveTestsPeopleViral is already taken (by positive). Choose a path no other field uses, and not inside or above another field's.")]
    [InlineData(nameof(MetricForm.V2Path), "cases.total.new", "The v2 path cases.total.new of positiveTestsPeopleViral runs through the value of positive. Choose a path no other field uses, and not inside or above another field's.")]
    [InlineData(nameof(MetricForm.V2Path), "tests.pcr", "The v2 path tests.pcr of positiveTestsPeopleViral is already taken (by totalTestsViral). Choose a path no other field uses, and not inside or above another field's.")]
    [InlineData(nameof(MetricForm.V2Path), "tests..people", "A v2 path is lowercase words (letters, digits, _) joined by dots, such as tests.pcr.people.positive, at most 200 characters.")]
    [InlineData(nameof(MetricForm.MaxValue), "10", "The highest allowed value must be at least the lowest.")]
    [InlineData(nameof(MetricForm.MinValue), "-1", "Enter a whole number of at least 0, or leave it empty for no bound.")]
    public async Task TheCatalogRefusesAtTheFieldWhatWouldBreakThePublicFiles(string field, string typed, string message)
    {
        var form = PeoplePositive();
        form.MinValue = field == nameof(MetricForm.MaxValue) ? "100" : null;
        typeof(MetricForm).GetProperty(field)!.SetValue(form, typed);

        var errors = await Database.Get<MetricFormValidator>().ValidateValue(form, field);

        Assert.Equal([message], errors);
        await Assert.ThrowsAsync<DomainException>(() => Catalog.AddAsync(form, Loop.Admin));
        await using var db = await Database.DbAsync();
        Assert.Equal(CtpMetricCatalog.All.Count, await db.Metrics.CountAsync());
    }

    [Fact]
    public async Task AValueOutsideTheBoundsIsRefusedAtItsFieldAndBySubmitWhileTheDraftStays()
    {
        var positive = MetricForm.For(CtpMetricCatalog.All.Single(m => m.Key == "positive"), hasValues: false);
        positive.MaxValue = "1000";
        await Catalog.UpdateAsync(positive, Loop.Admin);
        var shiftId = await Loop.OpenShiftAsync(Day, "NY");
        var entryId = await Loop.EntryIdAsync(shiftId, "NY");
        var view = await Database.Get<EntryService>().GetPassFormAsync(entryId, 1, Loop.Vera);
        var form = EntryFormModel.For(view.Metrics);
        var index = form.Values.FindIndex(v => v.Key == "positive");
        form.Values[index].Text = "1,001";

        var errors = await Database.Get<EntryFormValidator>().ValidateValue(form, $"Values[{index}].Text");

        Assert.Equal(["This must be at most 1,000 (the catalog's highest value for it); check the number."], errors);
        var refusal = await Assert.ThrowsAsync<DomainException>(() => Database.Get<EntryService>().SubmitAsync(entryId, 1, Loop.Vera, form));
        Assert.Contains("Nothing was submitted", refusal.Message);
        Assert.Equal("Submitted. Waiting for the other pass.", (await Loop.SubmitAsync(entryId, 1, Loop.Vera, new Dictionary<string, string> { ["positive"] = "1000" })).Message);
    }

    [Fact]
    public async Task ANewMetricDeclaredPartOfAWholeWarnsWhenLargerThanItAndTheSeededRulesStayAsTheyWere()
    {
        await Catalog.AddAsync(PeoplePositive(), Loop.Admin);

        var context = await Database.Get<QualityService>().ContextAsync("NY", Day);
        var warnings = context.Check(new Dictionary<string, long?> { ["totalTestsPeopleViral"] = 10, ["positiveTestsPeopleViral"] = 12 }, null, DateTime.UtcNow);

        Assert.Equal("PartExceedsWhole:positiveTestsPeopleViral", Assert.Single(warnings).Key);
        var seeded = Metric.PartsOfWholes(CtpMetricCatalog.All);
        Assert.Equal(15, seeded.Count);
        Assert.Equal(seeded.Append(("positiveTestsPeopleViral", "totalTestsPeopleViral")).Order(), context.PartsOfWholes.Order());
    }

    [Fact]
    public async Task MovingAMetricChangesTheOrderOfThePassFormAndTheReview()
    {
        await Catalog.MoveAsync("positiveCasesViral", up: true, Loop.Admin);
        await Catalog.MoveAsync("recovered", up: false, Loop.Admin).ContinueWith(t => Assert.IsType<DomainException>(t.Exception!.InnerException));

        var shiftId = await Loop.OpenShiftAsync(Day, "NY");
        var form = await Database.Get<EntryService>().GetPassFormAsync(await Loop.EntryIdAsync(shiftId, "NY"), 1, Loop.Vera);
        Assert.Equal(["positiveCasesViral", "positive", "negative"], form.Metrics.Take(3).Select(m => m.Key));
        var listed = await Catalog.ListAsync();
        Assert.Equal(form.Metrics.Select(m => m.Key), listed.Select(r => r.Metric.Key));
    }

    [Fact]
    public async Task PublicNamesAreFixedOnceValuesArePublishedButWordsBoundsAndRulesMayChange()
    {
        var shiftId = await Loop.VerifiedShiftInReviewAsync(Day, new Dictionary<string, string> { ["recovered"] = "7" }, "NY");
        await Database.Get<PublishService>().PublishShiftAsync(shiftId, Loop.Lead);
        var recovered = (await Catalog.ListAsync()).Single(r => r.Metric.Key == "recovered");
        Assert.True(recovered.HasValues);

        var renamed = MetricForm.For(recovered.Metric, hasValues: false);
        renamed.V1Column = "recoveredPeople";
        var refusal = await Assert.ThrowsAsync<DomainException>(() => Catalog.UpdateAsync(renamed, Loop.Admin));
        Assert.Contains("stay as they are", refusal.Message);

        var described = MetricForm.For(recovered.Metric, hasValues: true);
        described.Label = "Recovered (people)";
        described.MinValue = "0";
        await Catalog.UpdateAsync(described, Loop.Admin);
        var after = (await Catalog.ListAsync()).Single(r => r.Metric.Key == "recovered").Metric;
        Assert.Equal(("Recovered (people)", 0L, "recovered"), (after.Label, after.MinValue!.Value, after.V1Column));
    }

    [Fact]
    public async Task EveryChangeIsOnTheAuditTrailAndARestartNeverUndoesIt()
    {
        // The circuit handler sets who acts on a page; here the test does.
        using var acting = AuditContext.Begin(new AuditActor(Loop.Admin, "admin@example.org", "circuit:test"));
        await Catalog.AddAsync(PeoplePositive(), Loop.Admin);
        var recovered = MetricForm.For(CtpMetricCatalog.All.Single(m => m.Key == "recovered"), hasValues: false);
        recovered.Label = "Recovered (people)";
        await Catalog.UpdateAsync(recovered, Loop.Admin);
        await Catalog.MoveAsync("recovered", up: true, Loop.Admin);
        await Catalog.RetireAsync("deathProbable", Loop.Admin);
        var before = await Catalog.ListAsync();

        using (var scope = Database.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<DatabaseSeeder>().SeedAsync();
        }

        var after = await Catalog.ListAsync();
        Assert.Equal(before.Select(r => (r.Metric.Key, r.Metric.Label, r.Metric.DisplayOrder, r.Metric.IsActive)),
            after.Select(r => (r.Metric.Key, r.Metric.Label, r.Metric.DisplayOrder, r.Metric.IsActive)));
        await using var db = await Database.DbAsync();
        var events = await db.AuditEvents.Where(e => e.EntityType == "Metrics" && e.UserId == Loop.Admin).ToListAsync();
        Assert.Contains(events, e => e.Action == CovidEntry.Domain.Audit.AuditAction.Insert && e.EntityKey == "positiveTestsPeopleViral");
        Assert.Contains(events, e => e.EntityKey == "recovered" && e.Changes.Any(c => c.Field == "Label" && c.After == "Recovered (people)"));
        Assert.Contains(events, e => e.EntityKey == "recovered" && e.Changes.Any(c => c.Field == "DisplayOrder"));
        Assert.Contains(events, e => e.EntityKey == "deathProbable" && e.Changes.Any(c => c.Field == "IsActive" && c.After == "False"));
    }
}
