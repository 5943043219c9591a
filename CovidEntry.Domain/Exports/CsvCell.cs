using System.Buffers;
using System.Globalization;
using System.Text;

namespace CovidEntry.Domain.Exports;

/// <summary>
/// How every CSV the app writes spells a cell: RFC 4180 (a cell with a comma, a quote, CR or LF
/// is quoted, its quotes doubled) and safe to open in a spreadsheet. Text that a spreadsheet
/// would run as a formula (it starts with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or
/// carriage return) gets a single quote in front and is quoted, as OWASP's CSV injection advice
/// says; numbers, a negative one included, are written as they are.
/// </summary>
public static class CsvCell
{
    private static readonly SearchValues<char> FormulaStarts = SearchValues.Create("=+-@\t\r");
    private static readonly SearchValues<char> NeedQuotes = SearchValues.Create(",\"\r\n");

    /// <summary>A count: always bare, so a reader sees a number (CTP's files are written so).</summary>
    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A text cell, quoted only when it has to be.</summary>
    public static string Text(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (IsFormula(value))
        {
            return Quote("'" + value);
        }

        // Leading or trailing spaces are quoted too, so that readers that trim bare cells keep them.
        return value.AsSpan().ContainsAny(NeedQuotes) || value[0] == ' ' || value[^1] == ' ' ? Quote(value) : value;
    }

    /// <summary>A text cell that is always quoted, as CTP quotes its header, dates and state codes.</summary>
    public static string Quoted(string? value) =>
        string.IsNullOrEmpty(value) ? "\"\"" : Quote(IsFormula(value) ? "'" + value : value);

    /// <summary>A line of text cells, comma-separated, without a line ending.</summary>
    public static string Line(IEnumerable<string?> values) => string.Join(',', values.Select(Text));

    /// <summary>
    /// Whether a spreadsheet would take the text for a formula. A plain number (<c>-12</c>,
    /// <c>+3.5</c>, <c>-1e3</c>) is not one: it only ever evaluates to itself.
    /// </summary>
    public static bool IsFormula(string value) =>
        value.Length > 0 && FormulaStarts.Contains(value[0]) && !IsPlainNumber(value);

    private static bool IsPlainNumber(string value)
    {
        var i = value[0] is '+' or '-' ? 1 : 0;
        var digits = 0;
        while (i < value.Length && char.IsAsciiDigit(value[i]))
        {
            i++;
            digits++;
        }

        if (i < value.Length && value[i] == '.')
        {
            i++;
            while (i < value.Length && char.IsAsciiDigit(value[i]))
            {
                i++;
                digits++;
            }
        }

        if (digits == 0)
        {
            return false;
        }

        if (i < value.Length && value[i] is 'e' or 'E')
        {
            i++;
            if (i < value.Length && value[i] is '+' or '-')
            {
                i++;
            }

            var exponent = 0;
            while (i < value.Length && char.IsAsciiDigit(value[i]))
            {
                i++;
                exponent++;
            }

            if (exponent == 0)
            {
                return false;
            }
        }

        return i == value.Length;
    }

    private static string Quote(string value)
    {
        var quoted = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            quoted.Append(c);
            if (c == '"')
            {
                quoted.Append('"');
            }
        }

        return quoted.Append('"').ToString();
    }
}
