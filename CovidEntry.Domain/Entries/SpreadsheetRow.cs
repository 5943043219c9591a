namespace CovidEntry.Domain.Entries;

/// <summary>Reads what a spreadsheet puts on the clipboard when a volunteer copies a row of cells.</summary>
public static class SpreadsheetRow
{
    /// <summary>
    /// The cells of the first row of a tab-separated paste, trimmed. A paste without a tab is not
    /// a row of cells (it is one value) and gives an empty list.
    /// </summary>
    public static IReadOnlyList<string> Cells(string? clipboardText)
    {
        var firstLine = (clipboardText ?? "").Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(l => l.Trim().Length > 0) ?? "";
        return firstLine.Contains('\t') ? firstLine.Split('\t').Select(c => c.Trim()).ToList() : [];
    }

    /// <summary>
    /// Spreads the cells over the fields from <paramref name="startField"/> on, in the order given;
    /// cells past the last field are left out and counted.
    /// </summary>
    public static (IReadOnlyDictionary<string, string> Filled, int LeftOver) Spread(IReadOnlyList<string> fieldOrder, string startField, IReadOnlyList<string> cells)
    {
        var start = fieldOrder.ToList().IndexOf(startField);
        if (start < 0)
        {
            throw new DomainException($"{startField} is not a field of this form.");
        }

        var filled = new Dictionary<string, string>();
        for (var i = 0; i < cells.Count && start + i < fieldOrder.Count; i++)
        {
            filled[fieldOrder[start + i]] = cells[i];
        }

        return (filled, cells.Count - filled.Count);
    }
}
