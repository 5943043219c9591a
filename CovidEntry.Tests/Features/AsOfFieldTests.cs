using Bunit;
using CovidEntry.App.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace CovidEntry.Tests.Features;

/// <summary>The as-of field of the history page and of each jurisdiction's public page.</summary>
public class AsOfFieldTests : MudBunitContext
{
    private static string Link(string? asOf) => asOf is null ? "history/NY" : $"history/NY?asOf={Uri.EscapeDataString(asOf)}";

    private string Address => Services.GetRequiredService<NavigationManager>().Uri;

    [Fact]
    public void ATimeIsShownByGoingToItsAddress()
    {
        var field = Render<AsOfField>(p => p.Add(f => f.LinkFor, Link));

        field.Find("input").Change(" 2020-12-15T00:00Z ");
        field.Find("button").Click();

        Assert.EndsWith("/history/NY?asOf=2020-12-15T00%3A00Z", Address);
        Assert.Empty(field.FindAll(".mud-input-error"));
    }

    [Fact]
    public void SomethingThatIsNotATimeIsRefusedAtTheFieldAndGoesNowhere()
    {
        var field = Render<AsOfField>(p => p.Add(f => f.LinkFor, Link));
        var before = Address;

        field.Find("input").Change("last tuesday");
        field.Find("button").Click();

        Assert.Equal(before, Address);
        Assert.Equal("Give a time such as 2020-12-15T00:00Z.", field.Find(".mud-input-helper-text").TextContent.Trim());
    }

    [Fact]
    public void ABadTimeInTheAddressIsShownInTheFieldWithWhatIsWrong()
    {
        var field = Render<AsOfField>(p => p.Add(f => f.LinkFor, Link).Add(f => f.Value, "yesterday"));

        Assert.Equal("yesterday", field.Find("input").GetAttribute("value"));
        Assert.Equal("Give a time such as 2020-12-15T00:00Z.", field.Find(".mud-input-helper-text").TextContent.Trim());
    }

    [Fact]
    public void AnEmptyFieldGoesBackToNowAndNoLinkStaysPut()
    {
        var field = Render<AsOfField>(p => p.Add(f => f.LinkFor, Link).Add(f => f.Value, "2020-12-15T00:00Z"));
        field.Find("input").Change("");
        field.Find("button").Click();
        Assert.EndsWith("/history/NY", Address);

        var nowhere = Render<AsOfField>(p => p.Add(f => f.LinkFor, _ => null));
        nowhere.Find("input").Change("2020-12-15T00:00Z");
        nowhere.Find("button").Click();
        Assert.EndsWith("/history/NY", Address);
    }
}
