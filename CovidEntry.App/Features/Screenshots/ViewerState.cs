using CovidEntry.Domain.Screenshots;

namespace CovidEntry.App.Features.Screenshots;

/// <summary>
/// What the screenshot viewer shows and how its controls move it: the source picked, the capture on
/// screen and the one compared with it, the zoom, marking, and the region marked. No I/O: the
/// component loads the screenshots and hands them in, and tells its parent when the shown one changes.
/// </summary>
public sealed class ViewerState
{
    /// <summary>The zoom steps, smallest first; "fit" (null) sits between them by the image's width.</summary>
    public static readonly IReadOnlyList<double> ZoomSteps = [0.25, 0.33, 0.5, 0.67, 0.75, 1, 1.25, 1.5, 2, 3, 4];

    /// <summary>The width the viewer fits an image into, roughly: zooming from "fit" goes the expected way.</summary>
    public const double FitWidth = 800;

    public IReadOnlyList<SourceChoice> Sources { get; private set; } = [];

    /// <summary>Every screenshot loaded, newest first.</summary>
    public IReadOnlyList<ScreenshotView> All { get; private set; } = [];

    public int? SourceId { get; private set; }
    public Guid? ShownId { get; private set; }
    public Guid? ComparedId { get; private set; }

    /// <summary>The zoom factor; null is "fit to width".</summary>
    public double? Zoom { get; private set; }

    public bool Comparing { get; private set; }
    public bool Marking { get; private set; }
    public MarkedRegion? Region { get; private set; }

    /// <summary>The captures of the source picked, newest first.</summary>
    public IReadOnlyList<ScreenshotView> Choices => All.Where(s => s.SourceId == SourceId).ToList();

    public ScreenshotView? Shown => All.FirstOrDefault(s => s.Id == ShownId);
    public ScreenshotView? Compared => All.FirstOrDefault(s => s.Id == ComparedId);

    public void SetSources(IReadOnlyList<SourceChoice> sources) => Sources = sources;

    /// <summary>
    /// Takes freshly loaded screenshots and shows <paramref name="show"/> when it is among them, else
    /// keeps the one on screen, else the newest of the source picked (or of the first source).
    /// Returns whether the screenshot on screen changed.
    /// </summary>
    public bool Reload(IReadOnlyList<ScreenshotView> all, Guid? show)
    {
        All = all;
        var target = All.FirstOrDefault(s => s.Id == show) ?? All.FirstOrDefault(s => s.Id == ShownId);
        SourceId = target?.SourceId ?? SourceId ?? All.FirstOrDefault()?.SourceId ?? Sources.FirstOrDefault()?.Id;
        return Show(target?.Id ?? Choices.FirstOrDefault()?.Id);
    }

    /// <summary>Adds screenshots from outside the days listed (e.g. one a value cites) and shows <paramref name="id"/>.</summary>
    public bool Include(IReadOnlyList<ScreenshotView> more, Guid id)
    {
        All = [.. All, .. more.Where(m => All.All(s => s.Id != m.Id))];
        SourceId = All.FirstOrDefault(s => s.Id == id)?.SourceId ?? SourceId;
        return Show(id);
    }

    /// <summary>Shows a screenshot; a region marked on another one goes. Returns whether the one on screen changed.</summary>
    public bool Show(Guid? id)
    {
        var changed = id != ShownId;
        if (changed)
        {
            Region = null;
        }

        ShownId = id;
        if (Comparing && (ComparedId is null || ComparedId == id))
        {
            ComparedId = Choices.FirstOrDefault(s => s.Id != id)?.Id;
        }

        return changed;
    }

    /// <summary>Picks a source and shows its newest capture.</summary>
    public bool PickSource(int? sourceId)
    {
        SourceId = sourceId;
        ComparedId = null;
        return Show(Choices.FirstOrDefault()?.Id);
    }

    public void PickCompared(Guid? id) => ComparedId = id;

    /// <summary>One capture newer (+1) or older (−1), stopping at the ends. Returns whether the one on screen changed.</summary>
    public bool Step(int direction)
    {
        var list = Choices;
        if (list.Count == 0)
        {
            return false;
        }

        // The list is newest first: "next" goes to a newer capture.
        var index = list.ToList().FindIndex(s => s.Id == ShownId);
        var target = Math.Clamp(index - direction, 0, list.Count - 1);
        return Show(list[target].Id);
    }

    public void ZoomIn() => Zoom = ZoomSteps.FirstOrDefault(z => z > (Zoom ?? FitFactor()), ZoomSteps[^1]);

    public void ZoomOut() => Zoom = ZoomSteps.LastOrDefault(z => z < (Zoom ?? FitFactor()), ZoomSteps[0]);

    public void Fit() => Zoom = null;

    public void Actual() => Zoom = 1;

    /// <summary>Roughly where "fit" sits for the screenshot on screen.</summary>
    public double FitFactor() => Shown is { Width: > 0 } shot ? Math.Min(1, FitWidth / shot.Width) : 1;

    public void ToggleCompare()
    {
        Comparing = !Comparing;
        ComparedId = Comparing ? Choices.FirstOrDefault(s => s.Id != ShownId)?.Id : null;
    }

    /// <summary>Starts marking (when allowed and a screenshot is on screen) or stops it; returns whether it is marking now.</summary>
    public bool ToggleMark(bool allowed)
    {
        Marking = allowed && !Marking && ShownId is not null;
        return Marking;
    }

    /// <summary>Ends marking with the region dragged on the screenshot on screen; null when there is none to mark or marking is not allowed.</summary>
    public (Guid Screenshot, MarkedRegion Region)? Mark(bool allowed, double x, double y, double width, double height)
    {
        Marking = false;
        if (ShownId is not { } id || !allowed)
        {
            return null;
        }

        Region = MarkedRegion.Create(x, y, width, height);
        return (id, Region);
    }
}
