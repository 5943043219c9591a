using CovidEntry.Domain.History;

namespace CovidEntry.Tests.Domain;

public class AsOfTimeTests
{
    [Fact]
    public void ATimeWithoutAZoneIsUtcAndOneWithAZoneIsMovedToUtc()
    {
        Assert.True(AsOfTime.TryParse(" 2020-12-15T00:00 ", out var plain));
        Assert.True(AsOfTime.TryParse("2020-12-15T02:00+02:00", out var zoned));

        Assert.Equal(new DateTimeOffset(2020, 12, 15, 0, 0, 0, TimeSpan.Zero), plain);
        Assert.Equal(plain, zoned);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void NoAsOfMeansAsPublishedNow(string? text)
    {
        Assert.True(AsOfTime.TryRead(text, out var moment));
        Assert.Null(moment);
    }

    [Fact]
    public void AnAsOfThatIsNotATimeIsRefusedAndOneThatIsIsRead()
    {
        Assert.False(AsOfTime.TryRead("last tuesday", out _));
        Assert.True(AsOfTime.TryRead(AsOfTime.Example, out var moment));
        Assert.Equal(new DateTimeOffset(2020, 12, 15, 0, 0, 0, TimeSpan.Zero), moment);
    }

    [Theory]
    [InlineData("2020-12-15", "2020-12-15T00:00:00Z")]
    [InlineData("2020-12-15T00:00Z", "2020-12-15T00:00:00Z")]
    [InlineData("2020-12-15t00:00z", "2020-12-15T00:00:00Z")]
    [InlineData("2020-12-15T13:45:30Z", "2020-12-15T13:45:30Z")]
    [InlineData("2020-12-15T13:45:30.1234567Z", "2020-12-15T13:45:30.1234567Z")]
    [InlineData("2020-12-15T13:45:30.000+00:00", "2020-12-15T13:45:30Z")]
    [InlineData("2020-12-15T15:45+02:00", "2020-12-15T13:45:00Z")]
    [InlineData("2020-12-15T15:45+0200", "2020-12-15T13:45:00Z")]
    [InlineData("2020-12-15T08:45-05:00", "2020-12-15T13:45:00Z")]
    [InlineData("2020-12-15T13:45:30.0000000+00:00", "2020-12-15T13:45:30Z")]
    public void EveryIso8601FormIsRead(string text, string expected)
    {
        Assert.True(AsOfTime.TryParse(text, out var moment), text);
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), moment);
        Assert.Equal(TimeSpan.Zero, moment.Offset);
    }

    /// <summary>Forms .NET would read by its own rules (and another reader differently): refused, as the README says.</summary>
    [Theory]
    [InlineData("12/15/2020")]
    [InlineData("15/12/2020")]
    [InlineData("2020-12-15 00:00")]
    [InlineData("2020/12/15")]
    [InlineData("15 Dec 2020")]
    [InlineData("Dec 15, 2020")]
    [InlineData("Tue, 15 Dec 2020 00:00:00 GMT")]
    [InlineData("2020-12-15T00")]
    [InlineData("2020-12-15T24:00Z")]
    [InlineData("2020-13-01")]
    [InlineData("2020-02-30")]
    [InlineData("20201215")]
    [InlineData("2020-12-15T00:00:00+2")]
    [InlineData("2020-12-15T00:00:00 +02:00")]
    [InlineData("٢٠٢٠-١٢-١٥")]
    [InlineData("1607990400")]
    public void EveryOtherFormIsRefused(string text) =>
        Assert.False(AsOfTime.TryParse(text, out _), text);
}
