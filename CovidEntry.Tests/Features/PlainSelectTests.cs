using Bunit;
using CovidEntry.App.Components.Shared;

namespace CovidEntry.Tests.Features;

/// <summary>The light native select that stands in for MudSelect on pages every volunteer keeps open.</summary>
public class PlainSelectTests : MudBunitContext
{
    private static readonly IReadOnlyList<(int? Value, string Text)> Sources = [(11, "Primary"), (12, "Secondary"), (13, "Loopback")];

    [Fact]
    public void ItShowsTheChosenValueAndTellsWhichOneWasPicked()
    {
        int? picked = null;
        var select = Render<PlainSelect<int?>>(p => p
            .Add(s => s.Label, "Source")
            .Add(s => s.Options, Sources)
            .Add(s => s.Value, 11)
            .Add(s => s.ValueChanged, value => picked = value));

        Assert.Equal("0", select.Find("select").GetAttribute("value"));
        Assert.Equal("Source", select.Find("label").TextContent);
        Assert.Equal(select.Find("select").Id, select.Find("label").GetAttribute("for"));

        select.Find("select").Change("2");

        Assert.Equal(13, picked);
    }

    [Fact]
    public void WithNothingChosenItShowsThePlaceholderAndIgnoresAnUnknownChoice()
    {
        var calls = 0;
        var select = Render<PlainSelect<Guid?>>(p => p
            .Add(s => s.Label, "Capture")
            .Add(s => s.Options, [])
            .Add(s => s.Disabled, true)
            .Add(s => s.ValueChanged, _ => calls++));

        Assert.Equal("—", select.Find("option").TextContent);
        Assert.True(select.Find("select").HasAttribute("disabled"));

        select.Find("select").Change("5");
        select.Find("select").Change("x");
        Assert.Equal(0, calls);
    }
}
