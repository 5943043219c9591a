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
}
