using System.Security.Claims;
using Bunit;
using CovidEntry.App.Features.Entries;
using CovidEntry.App.Features.Quality;
using CovidEntry.App.Shared;
using CovidEntry.Domain.Quality;
using Microsoft.Extensions.Options;
using CovidEntry.Domain.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace CovidEntry.Tests.Features;

/// <summary>
/// The pass page as the second-pass volunteer's browser receives it, rendered from the real
/// services on PostgreSQL after the first pass is in: nothing of the first pass may be in it.
/// </summary>
public class BlindSecondPassTests : MudBunitContext, IAsyncLifetime
{
    private static readonly DateOnly Day = new(2020, 11, 14);

    // Distinctive readings of pass 1 that pass 2 never types.
    private static readonly Dictionary<string, string> FirstPass = new()
    {
        ["positive"] = "7,654,321",
        ["death"] = "84,321",
        ["hospitalizedCurrently"] = "98,765",
    };

    private readonly TestDatabase _database = new();
    private LoopScenario _loop = null!;
    private Guid _entryId;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _loop = await new LoopScenario(_database).WithPeopleAsync();
        _entryId = await _loop.EntryIdAsync(await _loop.OpenShiftAsync(Day, "AK"), "AK");

        var service = _database.Get<EntryService>();
        var form = EntryFormModel.For((await service.GetPassFormAsync(_entryId, 1, _loop.Vera)).Metrics);
        foreach (var input in form.Values)
        {
            input.Text = FirstPass.GetValueOrDefault(input.Key);
        }

        form.PublicNote = "Dashboard moved to a new page (marker-public-1)";
        form.PrivateNote = "Called the hotline (marker-private-1)";
        form.SourceUpdatedAt = "2020-11-14T17:45";

        // Read years later, the source time is stale: the first pass says why, as the form asks.
        form.Answers["SourceStale:source"] = new WarningAnswerInput { Reason = WarningReason.ConfirmedOnSource };
        await service.SubmitAsync(_entryId, 1, _loop.Vera, form);

        AddPassPageServices(_database);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public void TheSecondPassFormCarriesNothingOfTheFirstPass()
    {
        SignIn(_loop.Cole);

        var page = Render<PassPage>(p => p.Add(x => x.EntryId, _entryId).Add(x => x.PassNumber, 2));

        page.WaitForAssertion(() => Assert.Contains("Submit pass 2", page.Markup));
        // Short plain numbers can turn up inside the element ids' GUIDs; grouped ones and long ones cannot.
        foreach (var leaked in new[] { "7,654,321", "7654321", "84,321", "98,765", "marker-public-1", "marker-private-1", "17:45" })
        {
            Assert.DoesNotContain(leaked, page.Markup);
        }

        var metricInputs = page.FindAll("input[data-metric]");
        Assert.Equal(CtpMetricCatalog.All.Count, metricInputs.Count);
        Assert.All(metricInputs, input => Assert.True(string.IsNullOrEmpty(input.GetAttribute("value")), $"{input.GetAttribute("data-metric")} is not empty"));
    }

    [Fact]
    public void TheFirstPassHolderSeesTheirOwnSubmittedValues()
    {
        SignIn(_loop.Vera);

        var page = Render<PassPage>(p => p.Add(x => x.EntryId, _entryId).Add(x => x.PassNumber, 1));

        page.WaitForAssertion(() => Assert.Equal("7,654,321", page.Find("input[data-metric='positive']").GetAttribute("value")));
        Assert.Contains("marker-private-1", page.Markup);
        Assert.DoesNotContain("Submit pass 1", page.Markup);
    }

    [Fact]
    public void SomeoneWhoDoesNotHoldThePassIsToldSoAndSeesNoValues()
    {
        SignIn(_loop.Cole);

        var page = Render<PassPage>(p => p.Add(x => x.EntryId, _entryId).Add(x => x.PassNumber, 1));

        page.WaitForAssertion(() => Assert.Contains("You hold pass 2 of AK, so pass 1 must be someone", page.Markup));
        Assert.DoesNotContain("7,654,321", page.Markup);
        Assert.Empty(page.FindAll("input[data-metric]"));
    }

}
