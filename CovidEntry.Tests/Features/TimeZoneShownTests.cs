using CovidEntry.App.Shared;

namespace CovidEntry.Tests.Features;

public sealed class TimeZoneShownTests
{
    [Theory]
    [InlineData("America/New_York", "2021-01-13T14:02:00Z", "2021-01-13 09:02 UTC\u22125")]
    [InlineData("America/New_York", "2021-07-13T14:02:00Z", "2021-07-13 10:02 UTC\u22124")]
    [InlineData("Asia/Kolkata", "2021-01-13T14:02:00Z", "2021-01-13 19:32 UTC+5:30")]
    [InlineData("Etc/UTC", "2021-01-13T14:02:00Z", "2021-01-13 14:02 UTC")]
    [InlineData("Not/AZone", "2021-01-13T14:02:00Z", "2021-01-13 14:02 UTC")]
    [InlineData(null, "2021-01-13T23:59:00Z", "2021-01-13 23:59 UTC")]
    public void ATimeIsShownInTheBrowsersZoneWithTheZoneNamed(string? zone, string utc, string shown)
    {
        var at = DateTime.Parse(utc, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal);

        Assert.Equal(shown, TimeZoneShown.FromBrowser(zone).Format(at));
    }

    [Fact]
    public void AMissingTimeSaysSoInsteadOfADashAndAZone() =>
        Assert.Equal("not given", TimeZoneShown.FromBrowser("America/New_York").Format(null, "not given"));
}
