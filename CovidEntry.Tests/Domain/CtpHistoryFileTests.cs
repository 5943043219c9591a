using CovidEntry.Domain;
using CovidEntry.Domain.Imports;
using CovidEntry.Domain.Metrics;

namespace CovidEntry.Tests.Domain;

public class CtpHistoryFileTests
{
    private static readonly Dictionary<string, string> Catalog = CtpMetricCatalog.All.ToDictionary(m => m.V1Column, m => m.Key);

    [Fact]
    public void TheCtpSampleReadsWithoutProblemsAndItsDerivedColumnsAgree()
    {
        var file = Read(File.ReadAllLines(CtpSample.HistoryFile));

        Assert.Empty(file.Problems);
        Assert.Equal(784, file.RowCount);
        Assert.Equal(784 * 28, file.Cells().Count());
        Assert.Empty(file.DerivedDisagreements());
        Assert.Contains(file.Cells(), c => c.Key.JurisdictionCode == "NY" && c.Key.DataDate == new DateOnly(2020, 11, 14) && c.Key.MetricKey == "positive" && c.Value is not null);
    }

    [Fact]
    public void EveryBadRowIsReportedWithItsLineNumber()
    {
        var lines = File.ReadAllLines(CtpSample.HistoryFile).Take(6).ToList();
        var header = lines[0].Split(',');
        string Change(string line, string column, string value)
        {
            var cells = line.Split(',');
            cells[Array.IndexOf(header, $"\"{column}\"")] = value;
            return string.Join(',', cells);
        }

        lines[1] = Change(lines[1], "date", "\"2020-13-01\"");
        lines[2] = Change(lines[2], "state", "\"XX\"");
        lines[3] = Change(lines[3], "positive", "12.5");
        lines[4] = Change(lines[4], "death", "-4");
        lines.Add(lines[5]);

        var file = Read(lines);

        Assert.Equal(
            [
                "line 2: \"2020-13-01\" is not a date (write it as 2020-11-14).",
                "line 3: \"XX\" is not a known jurisdiction code.",
                "line 4: positive: \"12.5\" is not a whole number.",
                "line 5: death: -4 is negative; counts cannot be.",
                "line 7: " + lines[5].Split(',')[1].Trim('"') + " 2020-11-14 appears twice (first on line 6).",
            ],
            file.Problems.Select(p => p.ToString()));
        Assert.Throws<DomainException>(() => file.Cells().ToList());
    }

    [Fact]
    public void UnknownAndMissingColumnsAreReportedOnLineOne()
    {
        var header = File.ReadLines(CtpSample.HistoryFile).First().Replace("\"recovered\"", "\"recoverd\"");

        var file = Read([header]);

        Assert.Equal(
            ["line 1: Unknown columns: recoverd. The file must use the COVID Tracking Project's column names.", "line 1: Missing columns: recovered."],
            file.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void ADerivedCellThatDisagreesIsListedButDoesNotStopTheImport()
    {
        var lines = File.ReadAllLines(CtpSample.HistoryFile).ToList();
        var header = lines[0].Split(',');
        var cells = lines[1].Split(',');
        var column = Array.IndexOf(header, "\"positiveIncrease\"");
        cells[column] = (long.Parse(cells[column]) + 1).ToString();
        lines[1] = string.Join(',', cells);

        var file = Read(lines);

        Assert.Empty(file.Problems);
        var disagreement = Assert.Single(file.DerivedDisagreements());
        Assert.Equal((2, "positiveIncrease"), (disagreement.Line, disagreement.Column));
        Assert.Equal(disagreement.Computed + 1, disagreement.InFile);
    }

    [Fact]
    public void ARowWithEveryMetricEmptyIsKeptWithItsEmptyCellsAndTheFileOfCtpsRulesAgreesWithEveryDerivedCell()
    {
        var file = Read(CtpRulesFile.States.Split('\n'));

        Assert.Empty(file.Problems);
        Assert.Equal(12, file.RowCount);
        Assert.Empty(file.DerivedDisagreements());
        var firstAk = file.Cells().Where(c => c.Key.JurisdictionCode == "AK" && c.Key.DataDate == new DateOnly(2020, 3, 1)).ToList();
        Assert.Equal(28, firstAk.Count);
        Assert.All(firstAk, c => Assert.Null(c.Value));
    }

    [Fact]
    public void AnEmptyTotalTestResultsOfAPositivePlusNegativeDayWithBothEmptyIsADisagreement()
    {
        // What CovidEntry wrote before it followed CTP here: an empty cell where CTP has 0.
        var lines = CtpRulesFile.States.Split('\n');
        var header = lines[0].Split(',');
        var line = Array.FindIndex(lines, l => l.StartsWith("\"2020-03-02\",\"GU\"", StringComparison.Ordinal));
        var cells = lines[line].Split(',');
        cells[Array.IndexOf(header, "\"totalTestResults\"")] = "";
        lines[line] = string.Join(',', cells);

        var disagreement = Assert.Single(Read(lines).DerivedDisagreements());

        Assert.Equal((line + 1, "GU", "totalTestResults", (long?)null, (long?)0),
            (disagreement.Line, disagreement.State, disagreement.Column, disagreement.InFile, disagreement.Computed));
    }

    private static CtpHistoryFile Read(IReadOnlyList<string> lines)
    {
        var file = new CtpHistoryFile(Catalog, CtpSample.TotalTestRules());
        if (file.ReadHeader(Cells(lines[0])))
        {
            for (var i = 1; i < lines.Count; i++)
            {
                file.ReadRow(i + 1, Cells(lines[i]));
            }
        }

        return file;
    }

    private static string[] Cells(string line) => line.Split(',').Select(c => c.Trim('"')).ToArray();
}
