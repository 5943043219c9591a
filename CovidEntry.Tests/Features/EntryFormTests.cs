using AngleSharp.Dom;
using Bunit;
using CovidEntry.App.Features.Entries;
using CovidEntry.App.Shared;
using CovidEntry.Domain.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace CovidEntry.Tests.Features;

public class EntryFormTests : MudBunitContext
{
    private static readonly MetricField[] Metrics =
    [
        new("positive", "Cases (confirmed + probable)", MetricGroup.Cases),
        new("death", "Deaths (confirmed + probable)", MetricGroup.Outcomes),
        new("hospitalizedCurrently", "Currently hospitalized", MetricGroup.Hospital),
    ];

    public EntryFormTests()
    {
        Services.AddSingleton<EntryFormValidator>();
    }

    [Theory]
    [InlineData("12.5", MetricValueParser.NoDecimals)]
    [InlineData("abc", MetricValueParser.NotAWholeNumber)]
    [InlineData("-3", MetricValueParser.NoNegatives)]
    [InlineData("1,23", MetricValueParser.BadGrouping)]
    [InlineData("99999999999999999999", MetricValueParser.TooLarge)]
    public void ABadValueGetsItsMessageAtTheFieldWhereItWasTyped(string typed, string message)
    {
        var form = Render<EntryForm>(p => p.Add(f => f.Model, EntryFormModel.For(Metrics)));

        Field(form, "death").Input(typed);

        form.WaitForAssertion(() => Assert.Equal([message], Messages(form, "death")));
        Assert.Empty(Messages(form, "positive"));
        Assert.Empty(Messages(form, "hospitalizedCurrently"));
    }

    [Theory]
    [InlineData("1,234")]
    [InlineData("1234")]
    [InlineData("")]
    public void WholeNumbersWithOrWithoutCommasAndEmptyFieldsAreAccepted(string typed)
    {
        var form = Render<EntryForm>(p => p.Add(f => f.Model, EntryFormModel.For(Metrics)));

        Field(form, "positive").Input(typed);

        form.WaitForAssertion(() => Assert.Equal(typed, Field(form, "positive").GetAttribute("value") ?? ""));
        Assert.Empty(Messages(form, "positive"));
    }

    [Fact]
    public async Task TheFormIsNotValidWhileAnyFieldIsBadAndReadsTheValuesOnceFixed()
    {
        var model = EntryFormModel.For(Metrics);
        var form = Render<EntryForm>(p => p.Add(f => f.Model, model));
        Field(form, "positive").Input("22,020");
        Field(form, "death").Input("98.5");

        Assert.False(await form.InvokeAsync(() => form.Instance.ValidateAsync()));
        form.WaitForAssertion(() => Assert.Equal([MetricValueParser.NoDecimals], Messages(form, "death")));

        Field(form, "death").Input("98");

        Assert.True(await form.InvokeAsync(() => form.Instance.ValidateAsync()));
        Assert.Equal(new Dictionary<string, long?> { ["positive"] = 22020, ["death"] = 98, ["hospitalizedCurrently"] = null }, model.ParsedValues());
    }

    [Fact]
    public void TheFormHasOneSectionPerMetricGroupInCatalogOrder()
    {
        var form = Render<EntryForm>(p => p.Add(f => f.Model, EntryFormModel.For(Metrics)));

        var legends = form.FindAll("form > fieldset > legend").Select(l => l.TextContent.Trim()).ToList();

        Assert.Equal(["Cases", "Outcomes", "Hospitalization", "Source and notes"], legends);
    }

    [Fact]
    public async Task ASpreadsheetRowPastedIntoAFieldFillsItAndTheFieldsAfterItInCatalogOrder()
    {
        var model = EntryFormModel.For(Metrics);
        var changes = 0;
        var form = Render<EntryForm>(p => p.Add(f => f.Model, model).Add(f => f.Changed, () => { changes++; return Task.CompletedTask; }));

        await form.InvokeAsync(() => form.Instance.PasteRowAsync("death", "1,234\t 56 \t78\t90\r\n"));

        Assert.Equal([null, "1,234", "56"], model.Values.Select(v => v.Text));
        form.WaitForAssertion(() => Assert.Equal("56", Field(form, "hospitalizedCurrently").GetAttribute("value")));
        Assert.Contains("Pasted 2 values, from Deaths (confirmed + probable) on; 2 more did not fit", form.Find("[data-testid=paste-message]").TextContent);
        Assert.Equal(1, changes);
    }

    [Fact]
    public void EachFieldShowsThePreviousPublishedValueAndOnceTypedTheChangeFromIt()
    {
        var previous = new PreviousDay(new DateOnly(2020, 11, 13), new Dictionary<string, long?> { ["positive"] = 1000, ["death"] = null });
        var form = Render<EntryForm>(p => p.Add(f => f.Model, EntryFormModel.For(Metrics)).Add(f => f.Previous, previous));

        Assert.Equal("positive · was 1,000", Helper(form, "positive"));
        Field(form, "positive").Input("1,056");

        form.WaitForAssertion(() => Assert.Equal("positive · was 1,000 · +56 (+5.6%)", Helper(form, "positive")));
        Assert.Equal("death", Helper(form, "death"));
    }

    [Fact]
    public async Task ANoteOrSourceTimeTheRulesRefuseShowsItsMessageAtThatFieldAndTheFormIsNotValid()
    {
        var model = EntryFormModel.For(Metrics);
        var form = Render<EntryForm>(p => p.Add(f => f.Model, model));
        var note = form.Find("textarea[data-field='PublicNote']");

        note.Input("line one\u0007 with a bell");

        form.WaitForAssertion(() => Assert.Equal(EntryFormValidator.NoControlCharacters, MessageOf(form, "PublicNote")));
        Assert.Equal("true", form.Find("textarea[data-field='PublicNote']").GetAttribute("aria-invalid"));
        Assert.Equal("line one\u0007 with a bell", model.PublicNote);

        // A source time typed into the model some other way (a resumed draft) is caught when the form is checked.
        form.Find("textarea[data-field='PublicNote']").Input("fine now");
        model.SourceUpdatedAt = "yesterday";
        Assert.False(await form.InvokeAsync(() => form.Instance.ValidateAsync()));
        form.WaitForAssertion(() => Assert.Equal(EntryFormValidator.NotASourceTime, MessageOf(form, "SourceUpdatedAt")));
        Assert.Null(MessageOf(form, "PublicNote"));

        model.SourceUpdatedAt = "2020-11-14T17:45";
        Assert.True(await form.InvokeAsync(() => form.Instance.ValidateAsync()));
        form.WaitForAssertion(() => Assert.Null(MessageOf(form, "SourceUpdatedAt")));
    }

    private static string? MessageOf(IRenderedComponent<EntryForm> form, string field) =>
        form.Find($"[data-field='{field}']").Closest(".mud-input-control")!.QuerySelector(".mud-input-error")?.TextContent.Trim();

    private static string Helper(IRenderedComponent<EntryForm> form, string metricKey) =>
        Field(form, metricKey).Closest(".mud-input-control")!.QuerySelector(".mud-input-helper-text")!.TextContent.Trim();

    private static IElement Field(IRenderedComponent<EntryForm> form, string metricKey) =>
        form.Find($"input[data-metric='{metricKey}']");

    private static List<string> Messages(IRenderedComponent<EntryForm> form, string metricKey) =>
        Field(form, metricKey).Closest(".mud-input-control")!
            .QuerySelectorAll(".mud-input-helper-text.mud-input-error")
            .Select(e => e.TextContent.Trim())
            .Where(t => t.Length > 0)
            .ToList();
}
