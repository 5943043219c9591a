using System.Security.Claims;
using Bunit;
using CovidEntry.App.Features.Imports;
using CovidEntry.App.Shared;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CovidEntry.Tests.Features;

/// <summary>The admin's import page, on the real import service and PostgreSQL.</summary>
public class ImportPageTests : MudBunitContext, IAsyncLifetime
{
    private readonly TestDatabase _database = new();

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        Services.AddSingleton(_database.DbFactory);
        Services.AddSingleton(TimeProvider.System);
        Services.AddLogging();
        Services.AddSingleton<CovidEntry.App.Features.Access.ActingPerson>();
        Services.AddScoped<CtpImportService>();
        Services.AddSingleton<ImportRunner>();
        Services.AddScoped<CurrentUser>();
        var admin = await _database.CreateUserAsync("Ada Admin", CovidEntry.Domain.People.Roles.Admin);
        var auth = AddAuthorization();
        auth.SetAuthorized(admin);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, admin));
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task AnUploadedCtpFileIsImportedAndTheSummarySaysWhatWasWritten()
    {
        var page = Render<ImportPage>();

        page.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(File.ReadAllText(CtpSample.HistoryFile), "all-states-history.csv"));

        page.WaitForAssertion(() => Assert.Contains("Imported all-states-history.csv: 784 rows", page.Find("#import-summary").TextContent), TimeSpan.FromSeconds(30));
        Assert.Contains("all-states-history.csv, started", page.Find("#import-progress").TextContent);
        Assert.Contains("done.", page.Find("#import-progress").TextContent);
        await using var db = await _database.DbAsync();
        Assert.True(await db.LatestValues.AnyAsync(l => l.JurisdictionCode == "NY"));
    }

    [Fact]
    public async Task ABadFileIsRefusedWithEachProblemAndItsLineAndNothingIsWritten()
    {
        var lines = File.ReadAllLines(CtpSample.HistoryFile);
        lines[2] = lines[2].Replace("\"AL\"", "\"ZZ\"");
        var page = Render<ImportPage>();

        page.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(string.Join('\n', lines), "broken.csv"));

        page.WaitForAssertion(() => Assert.Contains("Nothing was imported from broken.csv", page.Find("#import-summary").TextContent), TimeSpan.FromSeconds(30));
        Assert.Equal(["Line 3: \"ZZ\" is not a known jurisdiction code."], page.FindAll("#import-problems li").Select(li => li.TextContent.Trim()));
        await using var db = await _database.DbAsync();
        Assert.Equal(0, await db.ValueVersions.CountAsync());
    }

    [Fact]
    public async Task AnAdminCanLeaveWhileAFileImportsAndFindsItsReportOnComingBack()
    {
        var first = Render<ImportPage>();
        first.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(File.ReadAllText(CtpSample.HistoryFile), "all-states-history.csv"));
        first.WaitForElement("#import-progress", TimeSpan.FromSeconds(10));
        await DisposeComponentsAsync();

        var back = Render<ImportPage>();

        back.WaitForAssertion(() => Assert.Contains("Imported all-states-history.csv: 784 rows", back.Find("#import-summary").TextContent), TimeSpan.FromSeconds(30));
        await using var db = await _database.DbAsync();
        Assert.Equal(1, await db.Batches.CountAsync(b => b.Kind == CovidEntry.Domain.Batches.BatchKind.Import));
    }

    [Fact]
    public async Task ASecondImportIsRefusedWithASentenceWhileTheFirstRuns()
    {
        var runner = Services.GetRequiredService<ImportRunner>();
        var admin = await _database.CreateUserAsync("Bo Admin", CovidEntry.Domain.People.Roles.Admin);

        Assert.Null(runner.TryStart(await UploadAsync(), "first.csv", admin));
        var second = await UploadAsync();
        var refusal = runner.TryStart(second, "second.csv", admin);
        await runner.WhenIdle();

        Assert.Equal("The import of first.csv is still running; start the next one when it is done.", refusal);
        Assert.False(File.Exists(second));
        Assert.Equal("first.csv", runner.Current!.FileName);
        Assert.True(runner.Current.Report!.Imported);
    }

    private static async Task<string> UploadAsync()
    {
        var path = Path.GetTempFileName();
        await File.WriteAllTextAsync(path, File.ReadAllText(CtpSample.HistoryFile));
        return path;
    }
}
