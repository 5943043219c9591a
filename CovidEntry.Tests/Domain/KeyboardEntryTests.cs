using CovidEntry.Domain;
using CovidEntry.Domain.Entries;
using CovidEntry.Domain.History;

namespace CovidEntry.Tests.Domain;

public class KeyboardEntryTests
{
    private static readonly string[] Order = ["positive", "positiveCasesViral", "probableCases", "negative"];

    [Fact]
    public void ARowCopiedFromASpreadsheetIsSplitAtTabsAndOnlyItsFirstLineIsTaken()
    {
        Assert.Equal(["1,234", "567", "", "89"], SpreadsheetRow.Cells("1,234\t 567 \t\t89\r\n9\t9\r\n"));
        Assert.Equal(["4", "5"], SpreadsheetRow.Cells("\r\n4\t5"));
        Assert.Empty(SpreadsheetRow.Cells("1234"));
        Assert.Empty(SpreadsheetRow.Cells(null));
    }

    [Fact]
    public void CellsFillTheFieldsFromTheCursorOnAndWhatDoesNotFitIsCounted()
    {
        var (filled, leftOver) = SpreadsheetRow.Spread(Order, "probableCases", ["10", "20", "30"]);

        Assert.Equal(new Dictionary<string, string> { ["probableCases"] = "10", ["negative"] = "20" }, filled);
        Assert.Equal(1, leftOver);
        Assert.Throws<DomainException>(() => SpreadsheetRow.Spread(Order, "nope", ["1"]));
    }

    [Theory]
    [InlineData(1000L, 1056L, "+56 (+5.6%)")]
    [InlineData(1000L, 997L, "\u22123 (\u22120.3%)")]
    [InlineData(1000L, 1000L, "±0")]
    [InlineData(0L, 12L, "+12")]
    [InlineData(999_000L, 1_234_000L, "+235,000 (+23.5%)")]
    public void AChangeIsWrittenAsDeltaAndPercent(long before, long now, string expected)
    {
        Assert.Equal(expected, ValueChange.Between(before, now)!.Value.ToString());
    }

    [Fact]
    public void ThereIsNoChangeWhenEitherSideIsMissing()
    {
        Assert.Null(ValueChange.Between(null, 5));
        Assert.Null(ValueChange.Between(5, null));
    }
}
