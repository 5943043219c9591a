using CovidEntry.Domain.Screenshots;

namespace CovidEntry.Domain.Jurisdictions;

/// <summary>A state or territory, with the pages its numbers are read from.</summary>
public sealed class Jurisdiction
{
    public const int CodeLength = 2;
    public const int NameMaxLength = 100;
    public const int RuleMaxLength = 64;

    /// <summary>The total-tests rule meaning positive + negative.</summary>
    public const string PositivePlusNegative = "posNeg";

    private readonly List<JurisdictionSource> _sources = [];

    private Jurisdiction()
    {
    }

    public Jurisdiction(string code, string name, string fips, string totalTestResultsField, string? notes)
    {
        if (code.Length != CodeLength || !code.All(char.IsAsciiLetterUpper))
        {
            throw new DomainException($"A jurisdiction code is two capital letters, not \"{code}\".");
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            throw new DomainException("A jurisdiction needs a name.");
        }

        Code = code;
        Name = name;
        Fips = fips;
        TotalTestResultsField = totalTestResultsField;
        Notes = notes;
    }

    public string Code { get; private set; } = "";
    public string Name { get; private set; } = "";
    public string Fips { get; private set; } = "";
    public long? Population { get; private set; }

    /// <summary>Which metric is this jurisdiction's totalTestResults, or <see cref="PositivePlusNegative"/>.</summary>
    public string TotalTestResultsField { get; private set; } = "";

    public string? Notes { get; private set; }

    public IReadOnlyList<JurisdictionSource> Sources => _sources;

    /// <summary>The time of day (UTC) the jurisdiction usually updates its numbers; null when unknown.</summary>
    public TimeOnly? ExpectedUpdateUtc { get; private set; }

    /// <summary>When someone (later: the screenshot capture) last saw the sources change.</summary>
    public DateTime? SourceChangedAtUtc { get; private set; }

    public void ScheduleUpdates(TimeOnly? expectedUpdateUtc) => ExpectedUpdateUtc = expectedUpdateUtc;

    public void MarkSourceChanged(DateTime nowUtc) => SourceChangedAtUtc = nowUtc;

    public JurisdictionSource AddSource(string label, string url, CaptureSettings? capture = null)
    {
        var source = new JurisdictionSource(_sources.Count == 0 ? 1 : _sources.Max(s => s.Position) + 1);
        source.Change(label, url, capture ?? CaptureSettings.Default);
        _sources.Add(source);
        return source;
    }

    public void ChangeSource(int sourceId, string label, string url, CaptureSettings capture) =>
        SourceById(sourceId).Change(label, url, capture);

    /// <summary>Removes a source; the caller has made sure no screenshot of it is kept (they are evidence).</summary>
    public void RemoveSource(int sourceId) => _sources.Remove(SourceById(sourceId));

    private JurisdictionSource SourceById(int sourceId) =>
        _sources.SingleOrDefault(s => s.Id == sourceId) ?? throw new DomainException($"{Code} has no such source; it may have been removed meanwhile.");
}

/// <summary>A page a jurisdiction publishes its numbers on, with how to capture it.</summary>
public sealed class JurisdictionSource
{
    public const int LabelMaxLength = 100;
    public const int UrlMaxLength = 2000;

    private List<string> _clickSelectors = [];
    private List<string> _hideSelectors = [];
    private List<TimeOnly> _captureTimesUtc = [];

    private JurisdictionSource()
    {
    }

    internal JurisdictionSource(int position)
    {
        Position = position;
    }

    public int Id { get; private set; }
    public string Label { get; private set; } = "";
    public string Url { get; private set; } = "";
    public int Position { get; private set; }
    public int ViewportWidth { get; private set; }
    public int ViewportHeight { get; private set; }
    public string? WaitForSelector { get; private set; }
    public int WaitMilliseconds { get; private set; }
    public string? ElementSelector { get; private set; }

    public CaptureSettings Capture => new(ViewportWidth, ViewportHeight, WaitForSelector, WaitMilliseconds,
        _clickSelectors, _hideSelectors, ElementSelector, _captureTimesUtc);

    internal void Change(string label, string url, CaptureSettings capture)
    {
        if (string.IsNullOrWhiteSpace(label) || label.Trim().Length > LabelMaxLength)
        {
            throw new DomainException($"A source needs a label of at most {LabelMaxLength} characters.");
        }

        url = url.Trim();
        if (url.Length > UrlMaxLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new DomainException($"\"{url}\" is not a web address (it must start with http:// or https://).");
        }

        capture = capture.Normalized();
        if (capture.Problems() is [var first, ..])
        {
            throw new DomainException(first);
        }

        Label = label.Trim();
        Url = url;
        ViewportWidth = capture.ViewportWidth;
        ViewportHeight = capture.ViewportHeight;
        WaitForSelector = capture.WaitForSelector;
        WaitMilliseconds = capture.WaitMilliseconds;
        ElementSelector = capture.ElementSelector;
        _clickSelectors = [.. capture.ClickSelectors];
        _hideSelectors = [.. capture.HideSelectors];
        _captureTimesUtc = [.. capture.TimesUtc];
    }
}
