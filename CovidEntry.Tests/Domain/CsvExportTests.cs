using CovidEntry.App.Features.Exports;
using CovidEntry.Domain.Exports;
using CovidEntry.Domain.Jurisdictions;

namespace CovidEntry.Tests.Domain;

/// <summary>Each CSV writer of the app (live files and snapshots share them) goes through <see cref="CsvCell"/>.</summary>
public class CsvExportTests
{
    private static readonly DateOnly Day = new(2020, 11, 14);

    [Fact]
    public async Task TheDailyFileNeutralisesAFormulaInAColumnNameAndKeepsNegativeIncreasesBare()
    {
        // Column names are the catalog's public names, which an admin may edit.
        var columns = V1DailyCsv.Columns(["positive", "positiveIncrease", "=cmd|' /C calc'!A0"]);
        var row = new V1DailyRow(Day, "AK", new Dictionary<string, long?> { ["positive"] = 22020, ["positiveIncrease"] = -15, ["=cmd|' /C calc'!A0"] = 1 });

        var writer = new StringWriter();
        await V1DailyCsv.WriteAsync(writer, columns, new[] { row }.ToAsyncEnumerable());

        Assert.Equal(
            "\"date\",\"state\",\"'=cmd|' /C calc'!A0\",\"positive\",\"positiveIncrease\"\n"
            + "\"2020-11-14\",\"AK\",1,22020,-15",
            writer.ToString());
    }

    [Fact]
    public void TheNationalFileKeepsItsQuotedHeaderAndBareNegativeNumbers()
    {
        var values = UsDaily.Columns.ToDictionary(c => c, _ => (long?)null);
        values["deathIncrease"] = -3;
        values["death"] = 1000;

        var line = UsDaily.Line(new UsDailyRow(Day, values));

        Assert.StartsWith("\"date\",\"death\",\"deathIncrease\",", UsDaily.Header());
        Assert.StartsWith("\"2020-11-14\",1000,-3,", line);
    }

    [Fact]
    public void TheStatesInfoFileNeutralisesFormulasInNamesAndNotesAndStaysRfc4180()
    {
        var jurisdiction = new Jurisdiction("ZZ", "=HYPERLINK(\"http://evil.example\",\"Zed\")", "99", "posNeg", "+1, \"quoted\"\nand a second line");
        jurisdiction.AddSource("Dashboard", "https://health.example/covid?view=a,b");
        var plain = new Jurisdiction("ZY", "Zed Two", "98", "posNeg", "-");

        var csv = StatesInfoFile.Csv([StatesInfoFile.From(jurisdiction), StatesInfoFile.From(plain)]);

        var lines = SplitRecords(csv);
        Assert.Equal(3, lines.Count);
        Assert.Equal(StatesInfoFile.Columns, Rfc4180.ParseLine(lines[0]));
        var zz = Rfc4180.ParseLine(lines[1]).Zip(StatesInfoFile.Columns).ToDictionary(p => p.Second, p => p.First);
        Assert.Equal("'=HYPERLINK(\"http://evil.example\",\"Zed\")", zz["name"]);
        Assert.Equal("'+1, \"quoted\"\nand a second line", zz["notes"]);
        Assert.Equal("https://health.example/covid?view=a,b", zz["covid19Site"]);
        Assert.Equal("99", zz["fips"]);
        Assert.Equal("'-", Rfc4180.ParseLine(lines[2])[1]);
        Assert.False(csv.EndsWith('\n'));
    }

    /// <summary>Splits a CSV into records at line feeds outside quotes.</summary>
    private static List<string> SplitRecords(string csv)
    {
        var records = new List<string>();
        var start = 0;
        var quoted = false;
        for (var i = 0; i < csv.Length; i++)
        {
            if (csv[i] == '"')
            {
                quoted = !quoted;
            }
            else if (csv[i] == '\n' && !quoted)
            {
                records.Add(csv[start..i]);
                start = i + 1;
            }
        }

        records.Add(csv[start..]);
        return records;
    }
}
