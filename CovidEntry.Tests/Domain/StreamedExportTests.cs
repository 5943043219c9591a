using CovidEntry.Domain.Exports;
using CovidEntry.Domain.Metrics;

namespace CovidEntry.Tests.Domain;

public class StreamedExportTests
{
    private static readonly IReadOnlyList<string> RawColumns = CtpMetricCatalog.All.Select(m => m.V1Column).ToList();

    [Fact]
    public async Task StreamedRowsKeepTheirOrderAndMatchEveryDerivedCellOfTheSample()
    {
        var rules = CtpSample.TotalTestRules();
        var file = CtpSample.HistoryRows();
        var lastDate = file.Max(r => r["date"]);
        var firstDate = file.Min(r => r["date"]);

        var rows = await V1DailyRows.WithDerivedColumns(RawRows(file).ToAsyncEnumerable(), code => rules[code]).ToListAsync();

        Assert.Equal(file.Select(r => (r["date"], r["state"])), rows.Select(r => (r.Date.ToString("yyyy-MM-dd"), r.State)));
        Assert.Equal(lastDate, rows[0].Date.ToString("yyyy-MM-dd"));
        foreach (var (row, expected) in rows.Zip(file).Where(p => p.Second["date"] != firstDate))
        {
            foreach (var column in CtpDerivedFields.Columns)
            {
                Assert.True(CtpSample.Number(expected[column]) == row.Values[column], $"{row.State} {row.Date} {column}");
            }
        }
    }

    [Fact]
    public async Task AJurisdictionsOldestRowInTheStreamIsTreatedAsItsFirstDay()
    {
        var rows = await V1DailyRows.WithDerivedColumns(RawRows(CtpSample.HistoryRows()).ToAsyncEnumerable(), _ => "posNeg").ToListAsync();

        var oldestAk = rows.Last(r => r.State == "AK");

        Assert.Equal(0, oldestAk.Values["positiveIncrease"]);
        Assert.NotNull(oldestAk.Values["totalTestsViral"]);
        Assert.Equal(oldestAk.Values["totalTestsViral"], oldestAk.Values["totalTestsViralIncrease"]);
    }

    [Fact]
    public async Task TheNationalFileSumsTheJurisdictionsAndTakesIncreasesFromNationalTotals()
    {
        var rules = CtpSample.TotalTestRules();
        var file = CtpSample.HistoryRows();
        var states = V1DailyRows.WithDerivedColumns(RawRows(file).ToAsyncEnumerable(), code => rules[code]);

        var us = await UsDaily.FromStates(states).ToListAsync();

        Assert.Equal(14, us.Count);
        Assert.Equal(new DateOnly(2020, 11, 14), us[0].Date);
        long Sum(string date, string column) => file.Where(r => r["date"] == date).Sum(r => CtpSample.Number(r[column]) ?? 0);
        var latest = us[0].Values;
        Assert.Equal(56, latest["states"]);
        Assert.Equal(Sum("2020-11-14", "positive"), latest["positive"]);
        Assert.Equal(Sum("2020-11-14", "totalTestResults"), latest["totalTestResults"]);
        Assert.Equal(Sum("2020-11-14", "death") - Sum("2020-11-13", "death"), latest["deathIncrease"]);
        Assert.Equal(Sum("2020-11-14", "hospitalizedCumulative") - Sum("2020-11-13", "hospitalizedCumulative"), latest["hospitalizedIncrease"]);
        Assert.Equal(0, us[^1].Values["positiveIncrease"]);
        Assert.Equal(UsDaily.Columns.Count, UsDaily.Line(us[0]).Split(',').Length - 1);
        Assert.StartsWith("\"2020-11-14\",", UsDaily.Line(us[0]));
    }

    [Fact]
    public async Task ANationalColumnThatNoJurisdictionReportedStaysEmpty()
    {
        var day = new DateOnly(2020, 11, 14);
        V1DailyRow Row(string state, long? positive) =>
            new(day, state, new Dictionary<string, long?> { ["positive"] = positive });

        var us = await UsDaily.FromStates(new[] { Row("AK", 5), Row("AL", null) }.ToAsyncEnumerable()).SingleAsync();

        Assert.Equal((5L, 2L, (long?)null), (us.Values["positive"]!.Value, us.Values["states"]!.Value, us.Values["death"]));
    }

    [Fact]
    public async Task TheNationalTotalTestResultsIsANumberOnEveryDateEvenWhenNoJurisdictionHasOne()
    {
        var day = new DateOnly(2020, 3, 1);
        var empty = new V1DailyRow(day, "AK", new Dictionary<string, long?> { ["totalTestResults"] = null, ["positive"] = null });

        var us = await UsDaily.FromStates(new[] { empty }.ToAsyncEnumerable()).SingleAsync();

        Assert.Equal("\"2020-03-01\",,0,,,0,,,,0,,,,0,1,0,0", UsDaily.Line(us));
    }

    [Fact]
    public async Task RowsWithEveryMetricEmptyGiveCtpsStatesAndNationalFilesByteForByte()
    {
        var rules = CtpSample.TotalTestRules();
        var lines = CtpRulesFile.States.Split('\n');
        var header = lines[0].Split(',').Select(c => c.Trim('"')).ToList();
        var raw = lines.Skip(1).Select(line => line.Split(',').Select(c => c.Trim('"')).ToList())
            .Select(cells => new V1DailyRow(DateOnly.Parse(cells[0]), cells[1],
                RawColumns.Where(c => cells[header.IndexOf(c)].Length > 0).ToDictionary(c => c, c => CtpSample.Number(cells[header.IndexOf(c)]))))
            .ToList();
        Assert.Contains(raw, r => r.Values.Count == 0);
        var columns = V1DailyCsv.Columns(RawColumns.Concat(CtpDerivedFields.Columns));

        var states = await V1DailyRows.WithDerivedColumns(raw.ToAsyncEnumerable(), code => rules[code]).ToListAsync();
        var us = await UsDaily.FromStates(states.ToAsyncEnumerable()).ToListAsync();

        Assert.Equal(CtpRulesFile.States, string.Join('\n', states.Select(r => V1DailyCsv.Line(columns, r)).Prepend(V1DailyCsv.Header(columns))));
        Assert.Equal(CtpRulesFile.National, string.Join('\n', us.Select(UsDaily.Line).Prepend(UsDaily.Header())));
    }

    private static IEnumerable<V1DailyRow> RawRows(IEnumerable<IReadOnlyDictionary<string, string>> file) =>
        file.Select(r => new V1DailyRow(DateOnly.Parse(r["date"]), r["state"], RawColumns.ToDictionary(c => c, c => CtpSample.Number(r[c]))));
}
