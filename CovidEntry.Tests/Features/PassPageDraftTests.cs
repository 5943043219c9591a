using Bunit;
using CovidEntry.App.Features.Entries;
using CovidEntry.Domain.Entries;

namespace CovidEntry.Tests.Features;

/// <summary>The pass page with the real services on PostgreSQL: a draft to resume, and warnings that need reasons.</summary>
public class PassPageDraftTests : MudBunitContext, IAsyncLifetime
{
    private readonly TestDatabase _database = new();
    private LoopScenario _loop = null!;
    private Guid _entryId;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _loop = await new LoopScenario(_database).WithPeopleAsync();
        _entryId = await _loop.EntryIdAsync(await _loop.OpenShiftAsync(new DateOnly(2020, 11, 14), "AK"), "AK");
        AddPassPageServices(_database);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task ASavedDraftIsPutBackIntoTheFormEvenWhereItIsNotValidYet()
    {
        await _database.Get<DraftService>().SaveAsync(_entryId, 1, _loop.Vera,
            new DraftContent(new Dictionary<string, string> { ["positive"] = "12,345", ["death"] = "9.5" }, null, "so far", null, "death"), 0);
        SignIn(_loop.Vera);

        var page = Render<PassPage>(p => p.Add(x => x.EntryId, _entryId).Add(x => x.PassNumber, 1));

        page.WaitForAssertion(() => Assert.Equal("12,345", page.Find("input[data-metric='positive']").GetAttribute("value")));
        Assert.Equal("9.5", page.Find("input[data-metric='death']").GetAttribute("value"));
        Assert.Contains("Enter a whole number: decimals are not allowed.", page.Find("#metric-death-help").TextContent);
        Assert.Contains("Resumed your draft saved at", page.Find("[data-testid=draft-resumed]").TextContent);
    }

    [Fact]
    public async Task TypingIsSavedAsADraftAndAWarningBlocksTheSubmitUntilItHasAReason()
    {
        SignIn(_loop.Vera);
        var page = Render<PassPage>(p => p.Add(x => x.EntryId, _entryId).Add(x => x.PassNumber, 1));
        page.WaitForAssertion(() => Assert.NotNull(page.Find("input[data-metric='positive']")));

        page.Find("input[data-metric='positive']").Input("100");
        page.Find("input[data-metric='positiveCasesViral']").Input("120");
        page.WaitForAssertion(() => Assert.Contains("positiveCasesViral (120) is larger than positive (100)", page.Find("#warnings").TextContent));
        page.WaitForAssertion(() => Assert.Contains("Draft saved at", page.Find("[data-testid=draft-status]").TextContent));
        var draft = await _database.Get<DraftService>().FindAsync(_entryId, 1, _loop.Vera);
        Assert.Equal(("100", "120"), (draft!.Texts["positive"], draft.Texts["positiveCasesViral"]));

        await page.Find("[data-shortcut=submit]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Contains("Give a reason for each warning above", page.Find("#submit-error").TextContent));
        Assert.Contains("Pick a reason.", page.Find("#warnings").TextContent);
        Assert.Null((await _database.Get<EntryService>().GetPassFormAsync(_entryId, 1, _loop.Vera)).Submitted);
    }
}
