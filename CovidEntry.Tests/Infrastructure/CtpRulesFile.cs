using System.Globalization;

namespace CovidEntry.Tests.Infrastructure;

/// <summary>
/// Files in the exact format of CTP's <c>all-states-history.csv</c> and <c>national-history.csv</c>
/// for the rules of CTP's format that the two-week sample cannot show, every cell written by hand
/// as CTP's pipeline wrote it:
/// <list type="bullet">
/// <item>a jurisdiction-day with every metric empty keeps its row (increases 0), counts in the
/// national <c>states</c> and is the previous day of the next one (AK on 03-01 and 03-02, its first
/// days; AS on 03-03, between two days with values; GU on 03-02, its first day);</item>
/// <item>a <c>posNeg</c> jurisdiction's <c>totalTestResults</c> is 0 when positive and negative are
/// both empty (GU on 03-02, KS on 03-03); for other rules it stays empty (AK, AS);</item>
/// <item>the national <c>totalTestResults</c> is a number on every date with a state row, 0 when no
/// state has a value (03-01), while the other national columns stay empty there.</item>
/// </list>
/// AK and AS count total tests as totalTestsViral; GU and KS as positive + negative.
/// </summary>
public static class CtpRulesFile
{
    /// <summary>The states history: 12 rows, 2020-03-01 … 2020-03-04, four jurisdictions.</summary>
    public static string States => Write(Rows);

    /// <summary>What CTP's national file says for <see cref="States"/>.</summary>
    public const string National = """
        "date","death","deathIncrease","inIcuCumulative","inIcuCurrently","hospitalizedIncrease","hospitalizedCurrently","hospitalizedCumulative","negative","negativeIncrease","onVentilatorCumulative","onVentilatorCurrently","positive","positiveIncrease","states","totalTestResults","totalTestResultsIncrease"
        "2020-03-04",1,0,,,0,5,,10,10,,,15,10,4,94,91
        "2020-03-03",1,1,,,0,4,,,0,,,5,0,4,3,-17
        "2020-03-02",,0,,,0,,,,0,,,5,5,3,20,20
        "2020-03-01",,0,,,0,,,,0,,,,0,1,0,0
        """;

    /// <summary>Each row's non-empty cells. CTP wrote 0 in every increase and in positiveScore unless a number is given here.</summary>
    public static IReadOnlyList<(string Date, string State, Dictionary<string, long> Cells)> Rows { get; } =
    [
        ("2020-03-04", "AK", new() { ["positive"] = 4, ["death"] = 1, ["totalTestsViral"] = 50, ["totalTestResults"] = 50,
            ["positiveIncrease"] = 2, ["totalTestsViralIncrease"] = 50, ["totalTestResultsIncrease"] = 50 }),
        ("2020-03-04", "AS", new() { ["positive"] = 7, ["totalTestsViral"] = 30, ["totalTestResults"] = 30,
            ["positiveIncrease"] = 7, ["totalTestsViralIncrease"] = 30, ["totalTestResultsIncrease"] = 30 }),
        ("2020-03-04", "GU", new() { ["positive"] = 3, ["negative"] = 10, ["totalTestResults"] = 13,
            ["negativeIncrease"] = 10, ["totalTestResultsIncrease"] = 10 }),
        ("2020-03-04", "KS", new() { ["positive"] = 1, ["hospitalizedCurrently"] = 5, ["totalTestResults"] = 1,
            ["positiveIncrease"] = 1, ["totalTestResultsIncrease"] = 1 }),
        ("2020-03-03", "AK", new() { ["positive"] = 2, ["death"] = 1, ["positiveIncrease"] = 2, ["deathIncrease"] = 1 }),
        ("2020-03-03", "AS", new() { ["positiveIncrease"] = -5, ["totalTestsViralIncrease"] = -20, ["totalTestResultsIncrease"] = -20 }),
        ("2020-03-03", "GU", new() { ["positive"] = 3, ["totalTestResults"] = 3, ["positiveIncrease"] = 3, ["totalTestResultsIncrease"] = 3 }),
        ("2020-03-03", "KS", new() { ["hospitalizedCurrently"] = 4, ["totalTestResults"] = 0 }),
        ("2020-03-02", "AK", new()),
        ("2020-03-02", "AS", new() { ["positive"] = 5, ["totalTestsViral"] = 20, ["totalTestResults"] = 20, ["totalTestsViralIncrease"] = 20 }),
        ("2020-03-02", "GU", new() { ["totalTestResults"] = 0 }),
        ("2020-03-01", "AK", new()),
    ];

    /// <summary>Writes rows in CTP's format: its header, newest date first then state A→Z, no newline after the last line.</summary>
    public static string Write(IEnumerable<(string Date, string State, Dictionary<string, long> Cells)> rows)
    {
        var header = CtpSample.HistoryHeader();
        var lines = rows.OrderByDescending(r => r.Date, StringComparer.Ordinal).ThenBy(r => r.State, StringComparer.Ordinal)
            .Select(row => string.Join(',', header.Select(column => column switch
            {
                "date" => $"\"{row.Date}\"",
                "state" => $"\"{row.State}\"",
                _ when row.Cells.TryGetValue(column, out var value) => value.ToString(CultureInfo.InvariantCulture),
                _ when column == "positiveScore" || column.EndsWith("Increase", StringComparison.Ordinal) => "0",
                _ => "",
            })));
        return string.Join('\n', lines.Prepend(string.Join(',', header.Select(c => $"\"{c}\""))));
    }

    /// <summary>The lines of <see cref="States"/> of one jurisdiction, after the header.</summary>
    public static IEnumerable<string> LinesOf(string state) =>
        States.Split('\n').Skip(1).Where(line => line.Contains($",\"{state}\",", StringComparison.Ordinal));
}
