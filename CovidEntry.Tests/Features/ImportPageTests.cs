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
        Services.AddScoped<CtpImportService>();
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
        Assert.Contains("Done.", page.Find("#import-progress").TextContent);
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
}
