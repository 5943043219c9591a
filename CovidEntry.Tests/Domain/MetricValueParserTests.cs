using CovidEntry.Domain.Metrics;

namespace CovidEntry.Tests.Domain;

public class MetricValueParserTests
{
    [Theory]
    [InlineData("1234", 1234L)]
    [InlineData("1,234", 1234L)]
    [InlineData(" 1,234,567 ", 1234567L)]
    [InlineData("0", 0L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("9,223,372,036,854,775,807", long.MaxValue)]
    public void AcceptsWholeNumbersWithOrWithoutThousandsSeparators(string text, long expected)
    {
        var parsed = MetricValueParser.Parse(text);

        Assert.True(parsed.IsValid, parsed.Error);
        Assert.Equal(expected, parsed.Value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void EmptyMeansNotReported(string? text)
    {
        var parsed = MetricValueParser.Parse(text);

        Assert.True(parsed.IsValid);
        Assert.Null(parsed.Value);
    }

    [Theory]
    [InlineData("12a", MetricValueParser.NotAWholeNumber)]
    [InlineData("abc", MetricValueParser.NotAWholeNumber)]
    [InlineData("1e6", MetricValueParser.NotAWholeNumber)]
    [InlineData("12.5", MetricValueParser.NoDecimals)]
    [InlineData("-5", MetricValueParser.NoNegatives)]
    [InlineData("−5", MetricValueParser.NoNegatives)]
    [InlineData("1,23", MetricValueParser.BadGrouping)]
    [InlineData("12,3456", MetricValueParser.BadGrouping)]
    [InlineData("9223372036854775808", MetricValueParser.TooLarge)]
    [InlineData("99999999999999999999999", MetricValueParser.TooLarge)]
    [InlineData("١٢٣", MetricValueParser.NotAWholeNumber)]
    [InlineData("１２３", MetricValueParser.NotAWholeNumber)]
    [InlineData("1 234", MetricValueParser.NotAWholeNumber)]
    [InlineData("+5", MetricValueParser.NotAWholeNumber)]
    public void RefusesAnythingElseWithAMessageSayingWhy(string text, string expectedError)
    {
        var parsed = MetricValueParser.Parse(text);

        Assert.False(parsed.IsValid);
        Assert.Null(parsed.Value);
        Assert.Equal(expectedError, parsed.Error);
    }

    [Fact]
    public void FormatsWithThousandsSeparatorsAndEmptyForNull()
    {
        Assert.Equal("1,234,567", MetricValueParser.Format(1234567));
        Assert.Equal("", MetricValueParser.Format(null));
    }
}
