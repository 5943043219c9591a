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

    public void AddSource(string label, string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new DomainException($"\"{url}\" is not a web address (it must start with http:// or https://).");
        }

        _sources.Add(new JurisdictionSource(label, url, _sources.Count + 1));
    }
}

public sealed class JurisdictionSource
{
    public const int LabelMaxLength = 100;
    public const int UrlMaxLength = 2000;

    private JurisdictionSource()
    {
    }

    internal JurisdictionSource(string label, string url, int position)
    {
        Label = label;
        Url = url;
        Position = position;
    }

    public int Id { get; private set; }
    public string Label { get; private set; } = "";
    public string Url { get; private set; } = "";
    public int Position { get; private set; }
}
