using System.Globalization;
using CovidEntry.Domain.Jurisdictions;
using CsvHelper;

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

    public static string Csv(IEnumerable<IReadOnlyDictionary<string, string?>> rows)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        using (var csv = new CsvWriter(text, CultureInfo.InvariantCulture))
        {
            foreach (var column in Columns)
            {
                csv.WriteField(column);
            }

            foreach (var row in rows)
            {
                csv.NextRecord();
                foreach (var column in Columns)
                {
                    csv.WriteField(row[column] ?? "");
                }
            }
        }

        return text.ToString();
    }

    /// <summary>The JSON form: the same fields, with only those that have a value.</summary>
    public static IReadOnlyDictionary<string, string> Json(IReadOnlyDictionary<string, string?> row) =>
        row.Where(c => c.Value is not null).ToDictionary(c => c.Key, c => c.Value!);
}
