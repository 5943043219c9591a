using System.Text;
using CovidEntry.App.Features.Imports;
using CovidEntry.Domain.Batches;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.Tests.Integration;

public class CtpImportTests : IAsyncLifetime
{
    private readonly TestDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task TheCtpSampleIsImportedAsOnePublishedImportBatch()
    {
        var progress = new List<ImportProgress>();

        var report = await ImportAsync(File.ReadAllText(CtpSample.HistoryFile), progress);

        Assert.True(report.Imported, string.Join("\n", ImportReportText.Lines(report)));
        Assert.Equal((784, 784 * 28L), (report.Rows, report.Cells));
        Assert.Empty(report.Disagreements);
        await using var db = await _database.DbAsync();
        var nonEmpty = CtpSample.HistoryRows().Sum(r => r.Count(c => c.Value.Length > 0 && CtpMetricColumns.Contains(c.Key)));
        Assert.Equal(nonEmpty, report.VersionsWritten);
        Assert.Equal(nonEmpty, await db.ValueVersions.CountAsync());
        Assert.Equal(nonEmpty, await db.LatestValues.CountAsync());
        var batch = await db.Batches.SingleAsync();
        Assert.Equal((BatchKind.Import, BatchStatus.Published, "Imported from sample.csv"), (batch.Kind, batch.Status, batch.Note));
        var ny = await db.LatestValues.SingleAsync(l => l.JurisdictionCode == "NY" && l.DataDate == new DateOnly(2020, 11, 14) && l.MetricKey == "positive");
        Assert.Equal(CtpSample.Number(CtpSample.HistoryRows().Single(r => r["state"] == "NY" && r["date"] == "2020-11-14")["positive"]), ny.Value);
        Assert.Equal(ImportStage.Done, progress[^1].Stage);
    }

    [Fact]
    public async Task ImportingTheSameFileAgainWritesNothingNewAndAChangedFileOnlyItsChangedCells()
    {
        var text = File.ReadAllText(CtpSample.HistoryFile);
        await ImportAsync(text);

        var again = await ImportAsync(text);
        var lines = text.Split('\n');
        var header = lines[0].Split(',');
        var cells = lines[1].Split(',');
        var death = Array.IndexOf(header, "\"death\"");
        var deathIncrease = Array.IndexOf(header, "\"deathIncrease\"");
        cells[death] = (long.Parse(cells[death]) + 3).ToString();
        cells[deathIncrease] = (long.Parse(cells[deathIncrease]) + 3).ToString();
        lines[1] = string.Join(',', cells);
        var changed = await ImportAsync(string.Join('\n', lines));

        Assert.Equal(0, again.VersionsWritten);
        Assert.Equal(1, changed.VersionsWritten);
        Assert.Empty(changed.Disagreements);
        await using var db = await _database.DbAsync();
        var state = cells[1].Trim('"');
        var latest = await db.LatestValues.SingleAsync(l => l.JurisdictionCode == state && l.DataDate == new DateOnly(2020, 11, 14) && l.MetricKey == "death");
        Assert.Equal((long.Parse(cells[death]), 2), (latest.Value!.Value, latest.VersionNumber));
    }

    [Fact]
    public async Task AFileWithAnyBadRowIsRefusedWholeWithEachProblemsLine()
    {
        var lines = File.ReadAllLines(CtpSample.HistoryFile);
        var header = lines[0].Split(',');
        var positive = Array.IndexOf(header, "\"positive\"");
        var bad = lines[10].Split(',');
        bad[positive] = "lots";
        lines[10] = string.Join(',', bad);
        lines[20] = lines[20].Replace("\"2020-11-14\"", "\"14/11/2020\"");

        var report = await ImportAsync(string.Join('\n', lines));

        Assert.False(report.Imported);
        Assert.Equal(
            ["line 11: positive: \"lots\" is not a whole number.", "line 21: \"14/11/2020\" is not a date (write it as 2020-11-14)."],
            report.Problems.Select(p => p.ToString()));
        await using var db = await _database.DbAsync();
        Assert.Equal((0, 0, 0), (await db.ValueVersions.CountAsync(), await db.LatestValues.CountAsync(), await db.Batches.CountAsync()));
    }

    [Fact]
    public async Task AnEmptyFileIsRefusedWithAMessage()
    {
        var report = await ImportAsync("");

        Assert.False(report.Imported);
        Assert.StartsWith("line 1: Missing columns: date, state,", report.Problems.Single().ToString());
    }

    private static readonly HashSet<string> CtpMetricColumns = [.. CovidEntry.Domain.Metrics.CtpMetricCatalog.All.Select(m => m.V1Column)];

    private async Task<ImportReport> ImportAsync(string content, List<ImportProgress>? progress = null)
    {
        await using var stream = new MemoryStream(Encoding.UTF8.GetBytes(content));
        var sink = progress is null ? null : new ListProgress(progress);
        return await _database.Get<CtpImportService>().ImportAsync(stream, "sample.csv", CtpImportService.CommandLineUser, sink);
    }

    private sealed class ListProgress(List<ImportProgress> list) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => list.Add(value);
    }
}
