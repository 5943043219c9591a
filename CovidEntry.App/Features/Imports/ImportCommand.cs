namespace CovidEntry.App.Features.Imports;

/// <summary><c>./run.sh import-ctp FILE.csv</c>: imports a CTP states history file and prints the report.</summary>
public static class ImportCommand
{
    public const string Verb = "import-ctp";

    public static async Task<int> RunAsync(WebApplication app, IReadOnlyList<string> arguments)
    {
        if (arguments.Count != 1)
        {
            Console.Error.WriteLine($"Usage: ./run.sh {Verb} FILE.csv   (a states history file in the COVID Tracking Project's format)");
            return 2;
        }

        var path = Path.GetFullPath(arguments[0]);
        if (!File.Exists(path))
        {
            Console.Error.WriteLine($"{path}: no such file.");
            return 2;
        }

        await using var scope = app.Services.CreateAsyncScope();
        var service = scope.ServiceProvider.GetRequiredService<CtpImportService>();
        await using var content = File.OpenRead(path);
        var progress = new ConsoleProgress(p => Console.WriteLine(p.Stage switch
        {
            ImportStage.Reading => $"  read {p.Rows:#,0} rows",
            ImportStage.Comparing => $"  {p.Rows:#,0} rows are valid; comparing derived columns",
            ImportStage.Writing => $"  wrote {p.Cells:#,0} cells",
            _ => "  done",
        }));

        Console.WriteLine($"Importing {path}");
        var report = await service.ImportAsync(content, Path.GetFileName(path), CtpImportService.CommandLineUser, progress, app.Lifetime.ApplicationStopping);
        foreach (var line in ImportReportText.Lines(report))
        {
            Console.WriteLine(line);
        }

        return report.Imported ? 0 : 1;
    }

    /// <summary>Prints as progress is reported (Progress&lt;T&gt; would post lines out of order).</summary>
    private sealed class ConsoleProgress(Action<ImportProgress> print) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => print(value);
    }
}

/// <summary>The words of an import report, shared by the command line and the admin page.</summary>
public static class ImportReportText
{
    public const int MaxListed = 200;

    public static string Summary(ImportReport report) => report.Imported
        ? $"Imported {report.FileName}: {report.Rows:#,0} rows ({report.DaysAdded:#,0} new jurisdiction-days), {report.Cells:#,0} cells, {report.VersionsWritten:#,0} new versions "
          + $"({report.Cells - report.VersionsWritten:#,0} unchanged or empty). Batch {report.BatchId}."
        : $"Nothing was imported from {report.FileName}: {report.Problems.Count:#,0} problem(s) must be fixed first.";

    public static IEnumerable<string> Lines(ImportReport report)
    {
        yield return Summary(report);
        foreach (var problem in report.Problems.Take(MaxListed))
        {
            yield return $"  {problem}";
        }

        if (report.Disagreements.Count > 0)
        {
            yield return $"{report.Disagreements.Count:#,0} derived cell(s) in the file differ from what CovidEntry computes (they are not stored):";
            foreach (var d in report.Disagreements.Take(MaxListed))
            {
                yield return $"  line {d.Line}: {d.State} {d.Date:yyyy-MM-dd} {d.Column} is {d.InFile?.ToString() ?? "empty"} in the file, computed {d.Computed?.ToString() ?? "empty"}";
            }
        }
    }
}
