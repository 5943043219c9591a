using System.Text.RegularExpressions;
using CovidEntry.Domain.Exports;

namespace CovidEntry.Domain.Metrics;

/// <summary>
/// The rules a metric's names must follow so the public files stay well formed: one rule each,
/// used by the catalog page's validator and by the files themselves (<see cref="V2Daily"/>).
/// </summary>
public static partial class PublicNames
{
    /// <summary>
    /// Column names the v1 files write themselves, or that CTP's v1 files held: a metric named
    /// after one would write a second column of that name, or mean something else to a reader of CTP's files.
    /// </summary>
    public static IReadOnlySet<string> ReservedV1Columns { get; } = new HashSet<string>(
        [
            "date", "state", UsDaily.States, .. CtpDerivedFields.Columns,
            "hash", "dateChecked", "dateModified", "checkTimeEt", "lastUpdateEt", "lastModified", "fips", "dataQualityGrade",
            "grade", "score", "total", "posNeg", "commercialScore", "negativeRegularScore", "negativeScore",
            "totalTestResultsSource",
        ],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>A key or a v1 column: letters and digits, starting with a letter.</summary>
    public static bool IsIdentifier(string? name) => name is not null && Identifier().IsMatch(name);

    /// <summary>Dotted segments of lowercase letters, digits and underscores, each starting with a letter (<c>tests.pcr.total</c>).</summary>
    public static bool IsV2Path(string? path) => path is not null && path.Length <= Metric.PathMaxLength && V2Path().IsMatch(path);

    /// <summary>
    /// Why <paramref name="path"/> of <paramref name="key"/> cannot sit beside the other fields'
    /// paths in the v2 document, or null when it can: no two fields on one path, and no field's
    /// value on the way to another's (a value cannot also be an object).
    /// </summary>
    public static string? V2PathClash(string key, string path, IEnumerable<(string Key, string Path)> others)
    {
        foreach (var other in others.Where(o => o.Key != key))
        {
            if (other.Path == path || other.Path.StartsWith(path + ".", StringComparison.Ordinal))
            {
                return $"The v2 path {path} of {key} is already taken (by {other.Key}).";
            }

            if (path.StartsWith(other.Path + ".", StringComparison.Ordinal))
            {
                return $"The v2 path {path} of {key} runs through the value of {other.Key}.";
            }
        }

        return null;
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]*$")]
    private static partial Regex Identifier();

    [GeneratedRegex("^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*$")]
    private static partial Regex V2Path();
}
