using System.Globalization;
using CovidEntry.Domain.Exports;
using CovidEntry.Domain.History;

namespace CovidEntry.Domain.Imports;

/// <summary>A problem with an import file, at the line of the file where it is.</summary>
public sealed record ImportProblem(int Line, string Message)
{
    public override string ToString() => $"line {Line}: {Message}";
}

/// <summary>A derived column of the file that does not match what CovidEntry computes from its raw cells.</summary>
public sealed record DerivedDisagreement(int Line, string State, DateOnly Date, string Column, long? InFile, long? Computed);

/// <summary>
/// Reads a states history file in the COVID Tracking Project's format (<c>all-states-history.csv</c>):
/// checks the header, then every row (date, known state, one row per date and state, whole
/// non-negative numbers). Raw metric columns are kept as cells to publish; derived columns are
/// not stored but recomputed and compared. Nothing is written from a file with any problem.
/// </summary>
public sealed class CtpHistoryFile
{
    private const int MaxProblems = 1000;

    private readonly IReadOnlyDictionary<string, string> _metricKeyByColumn;
    private readonly IReadOnlyDictionary<string, string> _totalTestsRuleByState;
    private readonly List<ImportProblem> _problems = [];
    private readonly List<Row> _rows = [];
    private readonly Dictionary<(DateOnly, string), int> _lineOfDay = [];
    private string[] _header = [];
    private int[] _rawColumns = [];
    private int[] _derivedColumns = [];
    private int _dateColumn = -1;
    private int _stateColumn = -1;

    /// <param name="metricKeyByColumn">The metric catalog: v1 column name → metric key.</param>
    /// <param name="totalTestsRuleByState">Every known jurisdiction code with its total-tests rule.</param>
    public CtpHistoryFile(IReadOnlyDictionary<string, string> metricKeyByColumn, IReadOnlyDictionary<string, string> totalTestsRuleByState)
    {
        _metricKeyByColumn = metricKeyByColumn;
        _totalTestsRuleByState = totalTestsRuleByState;
    }

    public IReadOnlyList<ImportProblem> Problems => _problems;

    public bool HasProblems => _problems.Count > 0;

    public int RowCount => _rows.Count;

    /// <summary>Checks the header (line 1). Returns false when rows cannot be read against it.</summary>
    public bool ReadHeader(IReadOnlyList<string> header)
    {
        _header = header.Select(h => h.Trim()).ToArray();
        _dateColumn = Array.IndexOf(_header, "date");
        _stateColumn = Array.IndexOf(_header, "state");
        var derived = CtpDerivedFields.Columns.ToHashSet();

        var duplicates = _header.GroupBy(h => h).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        var unknown = _header.Where(h => h is not ("date" or "state") && !_metricKeyByColumn.ContainsKey(h) && !derived.Contains(h)).ToList();
        var missing = new[] { "date", "state" }.Concat(_metricKeyByColumn.Keys.Order(StringComparer.Ordinal)).Where(c => !_header.Contains(c)).ToList();
        if (duplicates.Count > 0)
        {
            Add(1, $"Columns appear more than once: {string.Join(", ", duplicates)}.");
        }

        if (unknown.Count > 0)
        {
            Add(1, $"Unknown columns: {string.Join(", ", unknown)}. The file must use the COVID Tracking Project's column names.");
        }

        if (missing.Count > 0)
        {
            Add(1, $"Missing columns: {string.Join(", ", missing)}.");
        }

        _rawColumns = Enumerable.Range(0, _header.Length).Where(i => _metricKeyByColumn.ContainsKey(_header[i])).ToArray();
        _derivedColumns = Enumerable.Range(0, _header.Length).Where(i => derived.Contains(_header[i])).ToArray();
        return !HasProblems;
    }

    /// <summary>Checks one data row; <paramref name="line"/> is its line number in the file.</summary>
    public void ReadRow(int line, IReadOnlyList<string> cells)
    {
        if (cells.Count != _header.Length)
        {
            Add(line, $"Has {cells.Count} cells where the header has {_header.Length} columns.");
            return;
        }

        // .NET's number and date parsers stop at a NUL and accept what came before it, so "12\0"
        // would import as 12: a NUL means a damaged or binary file, and the row is refused.
        var withNul = Enumerable.Range(0, cells.Count).FirstOrDefault(i => cells[i].Contains('\0'), -1);
        if (withNul >= 0)
        {
            Add(line, $"{_header[withNul]}: holds a NUL character, which a CSV file does not; the file may be damaged.");
            return;
        }

        var ok = true;
        var dateText = cells[_dateColumn].Trim();
        if (!DateOnly.TryParseExact(dateText, ["yyyy-MM-dd", "yyyyMMdd"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            ok = Add(line, $"\"{dateText}\" is not a date (write it as 2020-11-14).");
        }

        var state = cells[_stateColumn].Trim();
        if (!_totalTestsRuleByState.ContainsKey(state))
        {
            ok = Add(line, $"\"{state}\" is not a known jurisdiction code.");
        }

        var values = new long?[_header.Length];
        foreach (var column in _rawColumns.Concat(_derivedColumns))
        {
            var text = cells[column].Trim();
            if (text.Length == 0)
            {
                continue;
            }

            if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                ok = Add(line, $"{_header[column]}: \"{text}\" is not a whole number.");
            }
            else if (value < 0 && !_header[column].EndsWith("Increase", StringComparison.Ordinal))
            {
                // Increases may fall (a source revised a total down); counts may not.
                ok = Add(line, $"{_header[column]}: {value} is negative; counts cannot be.");
            }
            else
            {
                values[column] = value;
            }
        }

        if (!ok)
        {
            return;
        }

        if (_lineOfDay.TryGetValue((date, state), out var first))
        {
            Add(line, $"{state} {date:yyyy-MM-dd} appears twice (first on line {first}).");
            return;
        }

        _lineOfDay[(date, state)] = line;
        _rows.Add(new Row(line, date, state, values));
    }

    /// <summary>Every cell to publish: the raw metrics of every row, empty cells included.</summary>
    public IEnumerable<KeyValuePair<CellKey, long?>> Cells()
    {
        EnsureValid();
        foreach (var row in _rows)
        {
            foreach (var column in _rawColumns)
            {
                yield return KeyValuePair.Create(new CellKey(row.State, row.Date, _metricKeyByColumn[_header[column]]), row.Values[column]);
            }
        }
    }

    /// <summary>The file's derived cells that differ from what its raw cells give.</summary>
    public IReadOnlyList<DerivedDisagreement> DerivedDisagreements()
    {
        EnsureValid();
        var disagreements = new List<DerivedDisagreement>();
        foreach (var state in _rows.GroupBy(r => r.State))
        {
            Dictionary<string, long?>? previous = null;
            foreach (var row in state.OrderBy(r => r.Date))
            {
                var raw = _rawColumns.ToDictionary(c => _header[c], c => row.Values[c]);
                var derived = CtpDerivedFields.DeriveDay(_totalTestsRuleByState[state.Key], raw, previous);
                foreach (var column in _derivedColumns)
                {
                    var name = _header[column];
                    var isIncrease = name.EndsWith("Increase", StringComparison.Ordinal);

                    // The file's oldest day of a jurisdiction may not be its first day anywhere: its increases cannot be checked.
                    if ((previous is not null || !isIncrease) && row.Values[column] != derived[name])
                    {
                        disagreements.Add(new DerivedDisagreement(row.Line, row.State, row.Date, name, row.Values[column], derived[name]));
                    }
                }

                previous = derived;
            }
        }

        return disagreements.OrderBy(d => d.Line).ThenBy(d => d.Column, StringComparer.Ordinal).ToList();
    }

    private bool Add(int line, string message)
    {
        if (_problems.Count < MaxProblems)
        {
            _problems.Add(new ImportProblem(line, message));
        }
        else if (_problems.Count == MaxProblems)
        {
            _problems.Add(new ImportProblem(line, "More problems follow; fix these first."));
        }

        return false;
    }

    private void EnsureValid()
    {
        if (HasProblems)
        {
            throw new DomainException($"The file has {_problems.Count} problem(s); nothing from it can be published.");
        }
    }

    private sealed record Row(int Line, DateOnly Date, string State, long?[] Values);
}
