using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using CovidEntry.App.Features.Edits;
using CovidEntry.App.Features.Entries;
using CovidEntry.App.Features.Publish;
using CovidEntry.App.Features.Quality;
using CovidEntry.App.Features.Reconcile;
using CovidEntry.App.Features.Review;
using CovidEntry.App.Features.Screenshots;
using CovidEntry.App.Features.Shifts;
using CovidEntry.App.Features.Snapshots;
using CovidEntry.Domain.Entries;
using CovidEntry.Domain.People;
using CovidEntry.Domain.Quality;
using CovidEntry.Domain.Screenshots;
using CovidEntry.Domain.Snapshots;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.Tests.Integration;

/// <summary>
/// Plants a unique token in every private place (notes, names, emails, ids, values never
/// published, reasons, comments, who uploaded a screenshot), publishes a real batch and a
/// snapshot around them, then reads every public output of the running app as an anonymous
/// visitor: no token may appear in any of them.
/// </summary>
public class PublicOutputCanaryTests : IAsyncLifetime
{
    private static readonly DateOnly Day = new(2020, 11, 14);

    // What is published: these may, and must, appear in the public files.
    private static readonly Dictionary<string, string> AkPublished = new() { ["positive"] = "31,415", ["death"] = "271" };
    private static readonly Dictionary<string, string> AlPublished = new() { ["positive"] = "16,180", ["death"] = "339" };

    private readonly TestDatabase _database = new();

    // Place → token. Text tokens are lowercase letters and digits, so no encoding (JSON, HTML, CSV) changes them.
    private readonly Dictionary<string, string> _canaries = [];

    private readonly Random _random = new(RandomNumberGenerator.GetInt32(int.MaxValue));

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task NoPublicOutputCarriesAnythingPrivate()
    {
        var (snapshotId, screenshotSha) = await PlantAndPublishAsync();
        await using var app = await InProcessApp.StartAsync(_database.ConnectionString);
        using var anonymous = app.NewClient();

        var outputs = new Dictionary<string, string>();
        foreach (var path in PublicPaths(snapshotId, screenshotSha))
        {
            outputs[path] = await ReadAsync(anonymous, path);
        }

        // The scan proves something only if the outputs carry the published batch and the screenshot.
        Assert.Contains("\"2020-11-14\",\"AK\"", outputs["/api/v1/states/daily.csv"]);
        Assert.Contains("31415", outputs["/api/v1/states/AK/daily.csv"]);
        Assert.Contains("339", outputs["/api/v2/states/AL/daily.json"]);
        Assert.Contains("47595", outputs["/api/v1/us/daily.csv"]);
        Assert.Contains(screenshotSha, outputs["/api/v2/states/AK/screenshots.json"]);
        Assert.Contains(screenshotSha, outputs["/data/AK/screenshots"]);
        Assert.Contains(screenshotSha, outputs["/api/v2/states/AK/daily.json"]);
        Assert.Contains("31415", outputs[$"/data/snapshots/{snapshotId}/states-daily.csv"]);
        Assert.Contains("states-daily.csv", outputs["/data"]);
        Assert.Contains("November 14, 2020", outputs["/data/AK"]);

        var leaks = (from output in outputs
                     from canary in _canaries
                     where output.Value.Contains(canary.Value, StringComparison.OrdinalIgnoreCase)
                     select $"{output.Key} carries the {canary.Key} ({canary.Value})").ToList();
        Assert.True(leaks.Count == 0, $"Private data in public output ({outputs.Count} outputs read):\n" + string.Join("\n", leaks));
    }

    /// <summary>Every public file, page and document, as DESIGN.md's public surface lists them.</summary>
    private static IEnumerable<string> PublicPaths(Guid snapshotId, string screenshotSha)
    {
        string[] codes = ["AK", "AL", "NY"];
        var asOf = "?asOf=" + Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(1).ToString("O", CultureInfo.InvariantCulture));
        foreach (var format in new[] { "csv", "json" })
        {
            yield return $"/api/v1/states/daily.{format}";
            yield return $"/api/v1/states/daily.{format}{asOf}";
            yield return $"/api/v1/states/current.{format}";
            yield return $"/api/v1/states/current.{format}{asOf}";
            yield return $"/api/v1/us/daily.{format}";
            yield return $"/api/v1/us/daily.{format}{asOf}";
            yield return $"/api/v1/states/info.{format}";
            foreach (var code in codes)
            {
                yield return $"/api/v1/states/{code}/daily.{format}";
                yield return $"/api/v1/states/{code}/daily.{format}{asOf}";
            }
        }

        foreach (var code in codes)
        {
            yield return $"/api/v2/states/{code}/daily.json";
            yield return $"/api/v2/states/{code}/daily.json{asOf}";
            yield return $"/api/v2/states/{code}/screenshots.json";
            yield return $"/data/{code}";
            yield return $"/data/{code}/screenshots";
        }

        yield return "/";
        yield return "/data";
        yield return $"/data/snapshots/{snapshotId}";
        yield return $"/data/snapshots/{snapshotId}/manifest.json";
        yield return $"/data/snapshots/{snapshotId}/changelog.json";
        foreach (var file in new[] { "states-daily.csv", "states-daily.json", "us-daily.csv", "us-daily.json", "states-info.csv", "states-info.json", "states-daily.parquet", "us-daily.parquet", "states-info.parquet", "datapackage.json" })
        {
            yield return $"/data/snapshots/{snapshotId}/{file}";
            yield return $"/data/snapshots/latest/{file}";
        }

        yield return $"/screenshots/{screenshotSha}";
        yield return $"/screenshots/{screenshotSha}/thumbnail";
        yield return "/openapi/v1.json";
        yield return "/api/docs";
    }

    /// <summary>The response as text, its headers included (a name in a file name would leak too); redirects followed.</summary>
    private static async Task<string> ReadAsync(HttpClient client, string path)
    {
        for (var hops = 0; hops < 3; hops++)
        {
            using var response = await client.GetAsync(path);
            if (response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found && response.Headers.Location is { } next)
            {
                path = new Uri(new Uri(client.BaseAddress!, path), next).PathAndQuery;
                continue;
            }

            var body = await response.Content.ReadAsByteArrayAsync();
            Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {Encoding.UTF8.GetString(body)}");

            // Images are scanned byte for byte as Latin-1, where any ASCII token still reads as itself.
            var text = response.Content.Headers.ContentType?.MediaType?.StartsWith("image/", StringComparison.Ordinal) == true
                ? Encoding.Latin1.GetString(body)
                : Encoding.UTF8.GetString(body);
            return string.Join("\n", response.Headers.Concat(response.Content.Headers).Select(h => $"{h.Key}: {string.Join(",", h.Value)}")) + "\n\n" + text;
        }

        throw new InvalidOperationException($"GET {path} redirected too often.");
    }

    private string Canary(string place)
    {
        var token = "cnry" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        _canaries.Add(place, token);
        return token;
    }

    /// <summary>A count no published value equals, watched for as typed (grouped) and as stored (plain).</summary>
    private string NumberCanary(string place)
    {
        var value = _random.NextInt64(100_000_000, 999_999_999);
        _canaries.Add(place, value.ToString(CultureInfo.InvariantCulture));
        _canaries.Add(place + ", grouped", value.ToString("#,0", CultureInfo.InvariantCulture));
        return value.ToString("#,0", CultureInfo.InvariantCulture);
    }

    private async Task<string> PersonAsync(string who, string role)
    {
        var (id, email) = await _database.CreatePersonAsync($"{who} {Canary($"display name of the {who}")}", role);
        _canaries.Add($"email of the {who}", email);
        _canaries.Add($"user id of the {who}", id);
        return id;
    }

    /// <summary>
    /// Runs a day through the services the pages use: two published jurisdictions with private
    /// notes, a reconciled mismatch and a sent-back pass, one unpublished jurisdiction, an
    /// unpublished edit, a muted warning, an uploaded screenshot, and a snapshot of it all.
    /// </summary>
    private async Task<(Guid SnapshotId, string ScreenshotSha)> PlantAndPublishAsync()
    {
        var vera = await PersonAsync("first-pass volunteer", Roles.Volunteer);
        var cole = await PersonAsync("second-pass volunteer", Roles.Volunteer);
        var uma = await PersonAsync("uploading volunteer", Roles.Volunteer);
        var lena = await PersonAsync("shift lead", Roles.ShiftLead);
        var omar = await PersonAsync("editing lead", Roles.ShiftLead);
        var ada = await PersonAsync("admin", Roles.Admin);

        var screenshot = await UploadAsync("AK", uma);
        var evidence = new Dictionary<string, ValueEvidence> { ["positive"] = new(screenshot.Id) };

        var shifts = _database.Get<ShiftService>();
        var shiftId = await OpenShiftAsync(Day, ["AK", "AL"], vera, cole, lena);
        var ak = await EntryIdAsync(shiftId, "AK");
        var al = await EntryIdAsync(shiftId, "AL");

        // AK: the passes disagree on deaths; the lead keeps pass 1's, so pass 2's is never published.
        await SubmitAsync(ak, 1, vera, AkPublished, "private note of a published pass 1", "warning note of a published pass", evidence);
        await SubmitAsync(ak, 2, cole, new Dictionary<string, string>(AkPublished) { ["death"] = NumberCanary("value of a mismatched pass, reconciled away") },
            "private note of a published pass 2", evidence: evidence);
        await _database.Get<ReconcileService>().ReconcileAsync(ak, "death",
            new ReconcileForm { Choice = ResolutionSource.FirstPass, Reason = Canary("reconciliation reason") }, lena);

        // AL: pass 2 is sent back with a comment and entered again; what it first said is never published.
        await SubmitAsync(al, 1, vera, AlPublished, "private note of a published pass 1 of AL");
        await SubmitAsync(al, 2, cole, new Dictionary<string, string>(AlPublished) { ["death"] = NumberCanary("value of a returned pass") },
            "private note of a returned pass");
        await _database.Get<ReviewService>().SendBackAsync(shiftId, al, 2, Canary("comment on a returned pass"), lena);
        await SubmitAsync(al, 2, cole, AlPublished, "private note of a redone pass");

        await shifts.WriteHandoffAsync(shiftId, Canary("handoff note"), lena);
        await shifts.BeginReviewAsync(shiftId, lena);
        var review = _database.Get<ReviewService>();
        await review.ApproveAsync(shiftId, ak, lena);
        await review.ApproveAsync(shiftId, al, lena);
        await _database.Get<PublishService>().PublishShiftAsync(shiftId, lena);

        // NY: entered, never published, with a draft of the other pass beside it.
        var unpublishedShift = await OpenShiftAsync(Day, ["NY"], vera, cole, lena);
        var ny = await EntryIdAsync(unpublishedShift, "NY");
        await SubmitAsync(ny, 1, vera, new Dictionary<string, string> { ["positive"] = NumberCanary("value of an unpublished entry") },
            "private note of an unpublished pass", publicNote: Canary("public note of an unpublished entry"));
        await _database.Get<DraftService>().SaveAsync(ny, 2, cole, new DraftContent(
            new Dictionary<string, string> { ["positive"] = NumberCanary("value of a draft") }, null, Canary("public note of a draft"), Canary("private note of a draft"), null), 0);

        await _database.Get<MutedWarningService>().AddAsync(new MutedWarningForm
        {
            JurisdictionCode = "AK",
            Rule = QcRule.Spike,
            UntilDate = Day.AddDays(30).ToDateTime(TimeOnly.MinValue),
            Reason = Canary("reason a warning is muted"),
        }, lena);

        var edits = _database.Get<EditService>();
        var editId = await edits.OpenAsync(new NewEditForm
        {
            JurisdictionCode = "AK",
            From = Day.ToDateTime(TimeOnly.MinValue),
            To = Day.ToDateTime(TimeOnly.MinValue),
            Note = Canary("note of an unpublished edit batch"),
        }, omar);
        await edits.SetCellAsync(editId, Day, "death", NumberCanary("value of an unpublished edit"), omar);

        var snapshot = await _database.Get<SnapshotService>().MakeAsync(SnapshotService.OnDemand, ada);
        Assert.Equal(SnapshotState.Published, snapshot.State);
        return (snapshot.SnapshotId!.Value, screenshot.Sha256);
    }

    private async Task<ScreenshotView> UploadAsync(string code, string userId)
    {
        await using var db = await _database.DbAsync();
        var sourceId = await db.Jurisdictions.Where(j => j.Code == code).SelectMany(j => j.Sources).OrderBy(s => s.Position).Select(s => s.Id).FirstAsync();
        return await _database.Get<ScreenshotService>().UploadAsync(code, sourceId, ImageCorpus.ScreenshotPng(), ScreenshotOrigin.Upload, userId);
    }

    private async Task<Guid> OpenShiftAsync(DateOnly date, string[] codes, string first, string second, string lead)
    {
        var shifts = _database.Get<ShiftService>();
        var shiftId = await shifts.OpenAsync(new NewShiftForm { Label = $"{date:yyyy-MM-dd} evening", DataDate = date.ToDateTime(TimeOnly.MinValue), Jurisdictions = codes }, lead);
        foreach (var entry in (await shifts.GetAsync(shiftId))!.Entries)
        {
            await shifts.AssignAsync(shiftId, entry.EntryId, 1, first, lead);
            await shifts.AssignAsync(shiftId, entry.EntryId, 2, second, lead);
        }

        return shiftId;
    }

    private async Task<Guid> EntryIdAsync(Guid shiftId, string code) =>
        (await _database.Get<ShiftService>().GetAsync(shiftId))!.Entries.Single(e => e.Code == code).EntryId;

    /// <summary>
    /// Submits a pass with a private note; with <paramref name="warningNotePlace"/> the source time
    /// is stale and the volunteer explains the warning in a note of its own.
    /// </summary>
    private async Task SubmitAsync(Guid entryId, int pass, string userId, IReadOnlyDictionary<string, string> texts, string privateNotePlace,
        string? warningNotePlace = null, IReadOnlyDictionary<string, ValueEvidence>? evidence = null, string? publicNote = null)
    {
        var service = _database.Get<EntryService>();
        var view = await service.GetPassFormAsync(entryId, pass, userId);
        var form = EntryFormModel.For(view.Metrics);
        foreach (var input in form.Values)
        {
            input.Text = texts.GetValueOrDefault(input.Key);
        }

        form.PrivateNote = Canary(privateNotePlace);
        form.PublicNote = publicNote;
        foreach (var (key, cited) in evidence ?? new Dictionary<string, ValueEvidence>())
        {
            form.Evidence[key] = cited;
        }

        if (warningNotePlace is not null)
        {
            form.SourceUpdatedAt = "2020-11-14T17:45";
            form.Answers[$"{QcRule.SourceStale}:{QcWarning.SourceField}"] = new WarningAnswerInput { Reason = WarningReason.Other, Note = Canary(warningNotePlace) };
        }

        await service.SubmitAsync(entryId, pass, userId, form);
    }
}
