using System.Text;

namespace CovidEntry.Tests.Hostile;

/// <summary>
/// docs/hostile-inputs.md is the corpus as a table, made from the same case lists the tests run,
/// so the document cannot drift from what is tested. Run with HOSTILE_DOC_UPDATE=1 to rewrite it.
/// </summary>
public class HostileCorpusDocTests
{
    private static string DocPath => Path.Combine(RepoPaths.Root, "docs", "hostile-inputs.md");

    public static IReadOnlyList<HostileCase> All() =>
    [
        .. HostileEntryTests.Cases(),
        .. HostileImportTests.Cases(),
        .. HostileUploadTests.Cases(),
        .. HostileHttpTests.Cases(),
    ];

    [Fact]
    public void TheCorpusHasAtLeast200CasesWithUniqueNamesPerGroup()
    {
        var all = All();

        Assert.True(all.Count >= 200, $"The corpus has {all.Count} cases.");
        Assert.All(all.GroupBy(c => (c.Group, c.Name)), g => Assert.Single(g));
    }

    [Fact]
    public void TheDocumentMatchesTheCorpus()
    {
        var expected = Render(All());
        if (Environment.GetEnvironmentVariable("HOSTILE_DOC_UPDATE") == "1")
        {
            File.WriteAllText(DocPath, expected);
        }

        Assert.True(File.Exists(DocPath) && File.ReadAllText(DocPath) == expected,
            "docs/hostile-inputs.md is not the table of the corpus. Run the Hostile tests with HOSTILE_DOC_UPDATE=1 and commit the file.");
    }

    private static string Render(IReadOnlyList<HostileCase> cases)
    {
        var text = new StringBuilder();
        text.Append("# Hostile input corpus\n\n");
        text.Append("Generated from the case lists in `CovidEntry.Tests/Hostile/` by `HostileCorpusDocTests` (run the Hostile tests\n");
        text.Append("with `HOSTILE_DOC_UPDATE=1` to rewrite it; the test fails when this file and the corpus differ). Every case\n");
        text.Append("is one test case of the normal suite. Besides the outcome below, each refused case checks that no row\n");
        text.Append("was added to or removed from any domain table (batches, entries, passes and their values, drafts,\n");
        text.Append("versions, latest values, screenshots, images, snapshots) and that what was saved before is intact:\n");
        text.Append("the submitted pass and the saved draft (entry fields), the imported CTP sample (imports), an earlier\n");
        text.Append("screenshot (uploads).\n\n");
        text.Append("The large-file import streams the file from a temporary file on disk; it is the full\n");
        text.Append($"{HostileImportTests.LargeFileBytes / 1024 / 1024} MB.\n\n");
        text.Append("The HTTP cases run against the whole app (its own Program.cs), so public pages such as\n");
        text.Append("`/data/{code}/screenshots` are covered as well as the API endpoints.\n\n");
        text.Append("| group | cases |\n| --- | ---: |\n");
        foreach (var group in cases.GroupBy(c => c.Group))
        {
            text.Append($"| {group.Key} | {group.Count()} |\n");
        }

        text.Append($"| all | {cases.Count} |\n");
        foreach (var group in cases.GroupBy(c => c.Group))
        {
            text.Append($"\n## {group.Key}\n\n| case | outcome |\n| --- | --- |\n");
            foreach (var item in group)
            {
                text.Append($"| {Cell(item.Name)} | {Cell(item.Outcome)} |\n");
            }
        }

        return text.ToString();
    }

    // Keep the table one row per case (a pipe or newline would break it) and make invisible characters visible.
    private static string Cell(string text) => string.Concat(text.Select(c => c switch
    {
        '|' => "\\|",
        _ when char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format => $"\\u{(int)c:X4}",
        _ => c.ToString(),
    }));
}
