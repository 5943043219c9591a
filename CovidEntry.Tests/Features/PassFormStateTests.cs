using CovidEntry.App.Features.Entries;
using CovidEntry.App.Features.Quality;
using CovidEntry.App.Shared;
using CovidEntry.Domain.Entries;
using CovidEntry.Domain.Metrics;
using CovidEntry.Domain.Quality;
using CovidEntry.Domain.Screenshots;

namespace CovidEntry.Tests.Features;

/// <summary>
/// The pass page's rules, kept out of the component: what the form starts from, which screenshot a
/// typed value cites, where a marked region goes, the sentence under the viewer, when the pass is
/// open and checked, and the words of the kept-typing choice.
/// </summary>
public sealed class PassFormStateTests
{
    private static readonly DateOnly Day = new(2020, 11, 21);
    private static readonly DateTime Now = new(2020, 11, 21, 18, 0, 0, DateTimeKind.Utc);
    private static readonly Guid Dashboard = Guid.Parse("00000000-0000-0000-0000-0000000000d1");
    private static readonly Guid Table = Guid.Parse("00000000-0000-0000-0000-0000000000d2");

    private static PassForm Pass(OwnSubmission? submitted = null, DraftView? draft = null, bool acceptsPasses = true) =>
        new(Guid.NewGuid(), 1, "NY", "New York", Day, "Evening", acceptsPasses, [],
            [new MetricField("positive", "Cases", MetricGroup.Cases), new MetricField("death", "Deaths", MetricGroup.Outcomes)],
            submitted, draft, null,
            new QcContext("NY", Day, [new PublishedDay(Day.AddDays(-1), new Dictionary<string, long?> { ["positive"] = 1_000 })],
                new Dictionary<string, MetricKind> { ["positive"] = MetricKind.Cumulative, ["death"] = MetricKind.Cumulative }, [], new QcSettings(), []));

    private static EntryFormModel Typed(params (string Key, string Text)[] values)
    {
        var model = EntryFormModel.ForPass(Pass());
        foreach (var (key, text) in values)
        {
            model.Values.Single(v => v.Key == key).Text = text;
        }

        return model;
    }

    [Fact]
    public void ASubmittedPassShowsWhatWasSubmittedAndADraftIsResumedOtherwise()
    {
        var submitted = EntryFormModel.ForPass(Pass(new OwnSubmission(Now, new Dictionary<string, long?> { ["positive"] = 1_234_567, ["death"] = null },
            new DateTime(2020, 11, 21, 9, 30, 0, DateTimeKind.Utc), "Public", "Private")));
        Assert.Equal(["1,234,567", ""], submitted.Values.Select(v => v.Text ?? ""));
        Assert.Equal("2020-11-21T09:30", submitted.SourceUpdatedAt);
        Assert.Equal(("Public", "Private"), (submitted.PublicNote, submitted.PrivateNote));

        var resumed = EntryFormModel.ForPass(Pass(draft: new DraftView(
            new DraftContent(new Dictionary<string, string> { ["death"] = "12" }, null, "Draft note", null, "death"), 3, Now)));
        Assert.Equal([null, "12"], resumed.Values.Select(v => v.Text));
        Assert.Equal("Draft note", resumed.PublicNote);

        Assert.All(EntryFormModel.ForPass(Pass()).Values, v => Assert.Null(v.Text));
    }

    [Fact]
    public void ATypedValueCitesTheScreenshotOnScreenAndAPastedRowCitesItForEveryFilledField()
    {
        var model = Typed(("positive", "1,200"));
        model.CiteTyping("positive", Dashboard);
        Assert.Equal(Dashboard, model.Evidence["positive"].ScreenshotId);

        // Pasted: both fields filled at once; the one already citing the dashboard keeps it.
        model.Values.Single(v => v.Key == "death").Text = "40";
        model.CiteTyping(null, Table);
        Assert.Equal(Dashboard, model.Evidence["positive"].ScreenshotId);
        Assert.Equal(Table, model.Evidence["death"].ScreenshotId);

        // Typed again while the table is on screen: now read from the table.
        model.CiteTyping("positive", Table);
        Assert.Equal(Table, model.Evidence["positive"].ScreenshotId);

        // No screenshot on screen, or an empty field: nothing is cited.
        var empty = Typed(("positive", " "));
        empty.CiteTyping("positive", Dashboard);
        empty.CiteTyping("death", null);
        Assert.Empty(empty.Evidence);
    }

    [Fact]
    public void AMarkedRegionGoesToTheMetricFieldLastInAndNowhereElse()
    {
        var model = Typed(("positive", "1,200"));
        var region = new ValueEvidence(Dashboard, MarkedRegion.Create(0.1, 0.2, 0.3, 0.1));
        Assert.False(model.MarkRegion(null, region));
        Assert.False(model.MarkRegion(nameof(EntryFormModel.PublicNote), region));
        Assert.Empty(model.Evidence);

        Assert.True(model.MarkRegion("positive", region));
        Assert.Equal(region, model.Evidence["positive"]);

        // Typing on with the same screenshot keeps the region.
        model.CiteTyping("positive", Dashboard);
        Assert.Equal(region, model.Evidence["positive"]);
    }

    [Fact]
    public void TheViewerOpensOnWhatTheFieldLastInCitesAndTheSentenceCountsCitedValuesAndRegions()
    {
        var model = Typed(("positive", "1,200"), ("death", "40"));
        Assert.Null(model.InitialScreenshot("positive"));
        Assert.Equal("Values you type are recorded as read from the screenshot on screen.", model.CitedSummary());

        model.Evidence["positive"] = new ValueEvidence(Dashboard);
        model.Evidence["death"] = new ValueEvidence(Table, MarkedRegion.Create(0.5, 0.5, 0.2, 0.2));
        Assert.Equal(Table, model.InitialScreenshot("death"));
        Assert.Equal(Dashboard, model.InitialScreenshot(null));
        Assert.Equal("2 value(s) cite a screenshot, 1 with a marked region.", model.CitedSummary());

        // A cleared field cites nothing.
        model.Values.Single(v => v.Key == "death").Text = "";
        Assert.Equal("1 value(s) cite a screenshot.", model.CitedSummary());
    }

    [Fact]
    public void AnOpenPassIsCheckedAsTypedAndASubmittedOrClosedOneIsNot()
    {
        var lower = Typed(("positive", "900"));
        var open = Pass();
        Assert.True(open.IsOpen);
        Assert.Equal([QcRule.CumulativeDecrease], open.Check(lower, Now).Select(w => w.Rule));

        var submitted = Pass(new OwnSubmission(Now, new Dictionary<string, long?> { ["positive"] = 900 }, null, null, null));
        Assert.False(submitted.IsOpen);
        Assert.Empty(submitted.Check(lower, Now));

        var closed = Pass(acceptsPasses: false);
        Assert.False(closed.IsOpen);
        Assert.Equal([QcRule.CumulativeDecrease], closed.Check(lower, Now).Select(w => w.Rule));
    }

    [Fact]
    public void TheKeptTypingChoiceSaysWhereTheTypingWasKept()
    {
        var kept = new Dictionary<string, string> { ["positive"] = "1,200" };
        var earlier = new KeptTypingChoice(kept, new Dictionary<string, string>(), 4, FromEarlierPage: true, new DateTime(2020, 11, 21, 17, 5, 0, DateTimeKind.Utc));
        Assert.Equal("This browser kept values you typed at 17:05 UTC that were never saved, and this pass was saved from another window or device since.", earlier.Intro);
        Assert.Equal("Kept in this browser", earlier.KeptHeading);

        var overtaken = new KeptTypingChoice(kept, new Dictionary<string, string>(), 5, FromEarlierPage: false);
        Assert.Equal("This pass was saved from another window or device while you were typing here, so what you typed here is not saved yet.", overtaken.Intro);
        Assert.Equal("Typed here", overtaken.KeptHeading);
    }
}
