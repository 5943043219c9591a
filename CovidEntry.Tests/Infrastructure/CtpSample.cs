using System.Globalization;
using CsvHelper;

namespace CovidEntry.Tests.Infrastructure;

/// <summary>The COVID Tracking Project's reference files, read plainly for comparisons.</summary>
public static class CtpSample
{
    public static string HistoryFile => Path.Combine(RepoPaths.TestData, "ctp-states-history-sample.csv");

    public static string InfoFile => Path.Combine(RepoPaths.Root, "CovidEntry.App", "Data", "Seed", "ctp-states-info.csv");

    /// <summary>The history sample's rows as column → cell text, in file order.</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> HistoryRows()
    {
        using var reader = new StreamReader(HistoryFile);
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
        csv.Read();
        csv.ReadHeader();
        var header = csv.HeaderRecord!;
        var rows = new List<IReadOnlyDictionary<string, string>>();
        while (csv.Read())
        {
            rows.Add(header.ToDictionary(h => h, h => csv.GetField(h)!));
        }

        return rows;
    }

    public static IReadOnlyList<string> HistoryHeader() =>
        File.ReadLines(HistoryFile).First().Split(',').Select(c => c.Trim('"')).ToList();

    /// <summary>Each state's rule for totalTestResults.</summary>
    public static IReadOnlyDictionary<string, string> TotalTestRules()
    {
        using var reader = new StreamReader(InfoFile);
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
        return csv.GetRecords<dynamic>().Cast<IDictionary<string, object>>()
            .ToDictionary(r => (string)r["state"], r => (string)r["covidTrackingProjectPreferredTotalTestField"]);
    }

    /// <summary>The history sample cut down to one jurisdiction's rows (before a date, when given), in the file's own format.</summary>
    public static string HistoryOf(string state, DateOnly? before = null)
    {
        var lines = File.ReadAllLines(HistoryFile);
        var kept = lines.Skip(1).Where(line => line.Contains($",\"{state}\",", StringComparison.Ordinal)
            && (before is not { } date || string.CompareOrdinal(line, $"\"{date:yyyy-MM-dd}\"") < 0));
        return string.Join('\n', lines.Take(1).Concat(kept));
    }

    public static long? Number(string cell) => cell.Length == 0 ? null : long.Parse(cell, CultureInfo.InvariantCulture);
}
