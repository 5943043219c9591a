using CovidEntry.Domain.Exports;

namespace CovidEntry.Tests.Domain;

/// <summary>The one rule every CSV the app writes follows: RFC 4180, and no cell a spreadsheet would run as a formula.</summary>
public class CsvCellTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://evil.example\",\"click\")", "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\"")]
    [InlineData("+1+cmd|' /C calc'!A0", "\"'+1+cmd|' /C calc'!A0\"")]
    [InlineData("-2+3", "\"'-2+3\"")]
    [InlineData("@SUM(A1:A9)", "\"'@SUM(A1:A9)\"")]
    [InlineData("\t=1+1", "\"'\t=1+1\"")]
    [InlineData("\r=1+1", "\"'\r=1+1\"")]
    [InlineData("-", "\"'-\"")]
    [InlineData("=", "\"'=\"")]
    [InlineData("@Alaska_DHSS", "\"'@Alaska_DHSS\"")]
    public void TextThatASpreadsheetWouldRunAsAFormulaGetsAQuoteInFrontAndIsQuoted(string value, string cell)
    {
        Assert.True(CsvCell.IsFormula(value));
        Assert.Equal(cell, CsvCell.Text(value));
    }

    [Theory]
    [InlineData("-12")]
    [InlineData("+3")]
    [InlineData("-3.25")]
    [InlineData("-.5")]
    [InlineData("-1e3")]
    [InlineData("+2.5E-4")]
    public void ANumberWithASignIsWrittenAsItIs(string value)
    {
        Assert.False(CsvCell.IsFormula(value));
        Assert.Equal(value, CsvCell.Text(value));
    }

    [Theory]
    [InlineData(-1234L, "-1234")]
    [InlineData(0L, "0")]
    [InlineData(9876543210L, "9876543210")]
    public void ACountIsAlwaysABareNumber(long value, string cell) => Assert.Equal(cell, CsvCell.Number(value));

    [Theory]
    [InlineData("New York", "New York")]
    [InlineData("https://health.ny.gov/?a=1&b=2", "https://health.ny.gov/?a=1&b=2")]
    [InlineData("a, b", "\"a, b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("two\r\nlines", "\"two\r\nlines\"")]
    [InlineData(" padded ", "\" padded \"")]
    [InlineData("1-2 = 3", "1-2 = 3")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void OtherTextIsQuotedOnlyWhenRfc4180NeedsIt(string? value, string cell) => Assert.Equal(cell, CsvCell.Text(value));

    [Theory]
    [InlineData("NY", "\"NY\"")]
    [InlineData("positiveIncrease", "\"positiveIncrease\"")]
    [InlineData("=cmd", "\"'=cmd\"")]
    [InlineData("a\"b", "\"a\"\"b\"")]
    [InlineData("", "\"\"")]
    public void AnAlwaysQuotedCellIsNeutralisedAndEscapedTheSameWay(string value, string cell) => Assert.Equal(cell, CsvCell.Quoted(value));

    [Fact]
    public void ALineReadsBackAsTheSameCellsWithOnlyTheFormulasChanged()
    {
        string?[] values = ["AK", "=1+1", "a,b", "say \"hi\"", "-7", null, "line\nbreak", "@x"];

        var cells = Rfc4180.ParseLine(CsvCell.Line(values));

        Assert.Equal(["AK", "'=1+1", "a,b", "say \"hi\"", "-7", "", "line\nbreak", "'@x"], cells);
    }
}

/// <summary>A strict RFC 4180 reader for one record, to check what a consumer would read back.</summary>
internal static class Rfc4180
{
    public static IReadOnlyList<string> ParseLine(string line)
    {
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        var i = 0;
        while (true)
        {
            if (i < line.Length && line[i] == '"')
            {
                i++;
                while (true)
                {
                    Assert.True(i < line.Length, $"An unterminated quoted cell in: {line}");
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            cell.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    cell.Append(line[i++]);
                }
            }
            else
            {
                while (i < line.Length && line[i] != ',')
                {
                    Assert.False(line[i] is '"' or '\r' or '\n', $"A bare cell holds a quote or a line break in: {line}");
                    cell.Append(line[i++]);
                }
            }

            cells.Add(cell.ToString());
            cell.Clear();
            if (i == line.Length)
            {
                return cells;
            }

            Assert.Equal(',', line[i]);
            i++;
        }
    }
}
