using CovidEntry.Domain.Exports;
using CovidEntry.Domain.Jurisdictions;

namespace CovidEntry.App.Features.Exports;

/// <summary>
/// The states info file in CTP's columns. Columns CovidEntry does not keep (twitter, the old
/// site, test units, pui, pum) are present and empty, so that readers of CTP's file still parse it.
/// </summary>
public static class StatesInfoFile
{
    private static readonly string[] SiteColumns = ["covid19Site", "covid19SiteSecondary", "covid19SiteTertiary", "covid19SiteQuaternary", "covid19SiteQuinary"];

    public static IReadOnlyList<string> Columns { get; } =
    [
        "state", "notes", .. SiteColumns, "twitter", "covid19SiteOld", "covidTrackingProjectPreferredTotalTestUnits",
        "covidTrackingProjectPreferredTotalTestField", "totalTestResultsField", "pui", "pum", "name", "fips",
    ];

    public static IReadOnlyDictionary<string, string?> From(Jurisdiction jurisdiction)
    {
        var row = Columns.ToDictionary(c => c, _ => (string?)null);
        row["state"] = jurisdiction.Code;
        row["notes"] = jurisdiction.Notes;
        row["name"] = jurisdiction.Name;
        row["fips"] = jurisdiction.Fips;
        row["covidTrackingProjectPreferredTotalTestField"] = jurisdiction.TotalTestResultsField;
        foreach (var (source, column) in jurisdiction.Sources.OrderBy(s => s.Position).Zip(SiteColumns))
        {
            row[column] = source.Url;
        }

        return row;
    }

    /// <summary>
    /// Names, notes and addresses are typed by people (admins, and CTP before them): every cell
    /// goes through <see cref="CsvCell"/>, so none of them runs as a formula in a spreadsheet.
    /// </summary>
    public static string Csv(IEnumerable<IReadOnlyDictionary<string, string?>> rows) =>
        string.Join('\n', rows.Select(row => CsvCell.Line(Columns.Select(c => row[c]))).Prepend(CsvCell.Line(Columns)));

    /// <summary>The JSON form: the same fields, with only those that have a value.</summary>
    public static IReadOnlyDictionary<string, string> Json(IReadOnlyDictionary<string, string?> row) =>
        row.Where(c => c.Value is not null).ToDictionary(c => c.Key, c => c.Value!);
}
