using CovidEntry.App.Features.Screenshots;
using CovidEntry.Domain;
using CovidEntry.Domain.Screenshots;

namespace CovidEntry.Tests.Features;

/// <summary>How the screenshot viewer's controls move what it shows (the component only loads and draws).</summary>
public sealed class ViewerStateTests
{
    private static readonly DateTime Noon = new(2020, 11, 21, 12, 0, 0, DateTimeKind.Utc);
    private static readonly SourceChoice Dashboard = new(1, "Dashboard", "https://example.org/dashboard");
    private static readonly SourceChoice Table = new(2, "Table", "https://example.org/table");

    private static ScreenshotView Shot(int sourceId, int hour, int width = 1600) =>
        new(Guid.NewGuid(), "NY", sourceId, sourceId == 1 ? "Dashboard" : "Table", ScreenshotOrigin.Scheduled,
            Noon.AddHours(hour), Noon.AddHours(hour), new string('a', 64), 1000, width, 1200, "image/png", IsPublic: true);

    /// <summary>Three captures of the dashboard (newest first) and one of the table.</summary>
    private static (ViewerState View, ScreenshotView[] Dashboard, ScreenshotView Table) Loaded()
    {
        var dashboard = new[] { Shot(1, 3), Shot(1, 2), Shot(1, 1) };
        var table = Shot(2, 4);
        var view = new ViewerState();
        view.SetSources([Dashboard, Table]);
        view.Reload([table, .. dashboard], show: dashboard[1].Id);
        return (view, dashboard, table);
    }

    [Fact]
    public void ItOpensOnTheScreenshotAskedForAndItsSourceElseTheNewest()
    {
        var (view, dashboard, _) = Loaded();
        Assert.Equal((1, dashboard[1].Id), (view.SourceId!.Value, view.ShownId!.Value));

        var fresh = new ViewerState();
        fresh.SetSources([Dashboard, Table]);
        fresh.Reload([], show: null);
        Assert.Equal((1, (Guid?)null), (fresh.SourceId!.Value, fresh.ShownId));
    }

    [Fact]
    public void AReloadKeepsTheScreenshotOnScreen()
    {
        var (view, dashboard, table) = Loaded();

        var changed = view.Reload([Shot(1, 5), table, .. dashboard], show: null);

        Assert.False(changed);
        Assert.Equal(dashboard[1].Id, view.ShownId);
    }

    [Fact]
    public void NextGoesToANewerCaptureAndStopsAtTheEnds()
    {
        var (view, dashboard, _) = Loaded();

        view.Step(1);
        Assert.Equal(dashboard[0].Id, view.ShownId);
        Assert.False(view.Step(1));
        view.Step(-1);
        view.Step(-1);
        Assert.Equal(dashboard[2].Id, view.ShownId);
        Assert.False(view.Step(-1));
    }

    [Fact]
    public void PickingASourceShowsItsNewestCaptureAndDropsTheComparison()
    {
        var (view, _, table) = Loaded();
        view.ToggleCompare();

        view.PickSource(2);

        Assert.Equal(table.Id, view.ShownId);
        Assert.Null(view.ComparedId);
        Assert.Equal([table.Id], view.Choices.Select(c => c.Id));
    }

    [Fact]
    public void ComparingPicksAnotherCaptureOfTheSameSourceAndNeverTheOneOnScreen()
    {
        var (view, dashboard, _) = Loaded();

        view.ToggleCompare();
        Assert.True(view.Comparing);
        Assert.Equal(dashboard[0].Id, view.ComparedId);

        view.Show(dashboard[0].Id);
        Assert.NotEqual(view.ShownId, view.ComparedId);
        Assert.Equal(1, view.Compared!.SourceId);

        view.ToggleCompare();
        Assert.Null(view.ComparedId);
    }

    [Fact]
    public void ZoomingFromFitGoesToTheNextStepOfTheImagesFitAndStopsAtTheEnds()
    {
        var (view, _, _) = Loaded();
        Assert.Equal(0.5, view.FitFactor());

        view.ZoomIn();
        Assert.Equal(0.67, view.Zoom);
        view.Fit();
        view.ZoomOut();
        Assert.Equal(0.33, view.Zoom);
        view.ZoomOut();
        view.ZoomOut();
        Assert.Equal(ViewerState.ZoomSteps[0], view.Zoom);
        view.Actual();
        Assert.Equal(1, view.Zoom);
        for (var i = 0; i < 20; i++)
        {
            view.ZoomIn();
        }

        Assert.Equal(ViewerState.ZoomSteps[^1], view.Zoom);
    }

    [Fact]
    public void AMarkedRegionBelongsToTheScreenshotOnScreenAndGoesWhenAnotherIsShown()
    {
        var (view, dashboard, _) = Loaded();
        Assert.False(view.ToggleMark(allowed: false));
        Assert.True(view.ToggleMark(allowed: true));

        var marked = view.Mark(allowed: true, 0.1, 0.2, 0.3, 0.1);

        Assert.Equal(dashboard[1].Id, marked!.Value.Screenshot);
        Assert.False(view.Marking);
        Assert.Equal(marked.Value.Region, view.Region);
        view.Step(1);
        Assert.Null(view.Region);
        Assert.Throws<DomainException>(() => view.Mark(allowed: true, 0.9, 0.9, 0.5, 0.5));
    }
}
