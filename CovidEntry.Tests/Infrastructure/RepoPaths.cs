namespace CovidEntry.Tests.Infrastructure;

/// <summary>Folders of the repository, found from the test assembly's location.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>Reference files copied from the COVID Tracking Project (CC BY 4.0; see TestData/README.md).</summary>
    public static string TestData => Path.Combine(Root, "CovidEntry.Tests", "TestData");

    public static string AppOutput(string configuration) =>
        Path.Combine(Root, "CovidEntry.App", "bin", configuration, "net10.0");

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CovidEntry.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("CovidEntry.sln not found above the test assembly.");
    }
}
