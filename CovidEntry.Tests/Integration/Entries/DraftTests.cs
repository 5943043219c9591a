using CovidEntry.App.Features.Entries;
using CovidEntry.App.Features.Shifts;
using CovidEntry.Domain;
using CovidEntry.Domain.Entries;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.Tests.Integration;

public class DraftTests : LoopTest
{
    private static DraftContent Typed(string positive, string? focused = "positive", string? privateNote = null) =>
        new(new Dictionary<string, string> { ["positive"] = positive, ["death"] = "1,2" }, "2020-11-14T17:45", "public words", privateNote, focused);

    [Fact]
    public async Task ADraftIsResumedAsTypedIncludingInvalidTextAndWhereTheCursorWas()
    {
        var entryId = await Loop.EntryIdAsync(await Loop.OpenShiftAsync(Day, "AK"), "AK");
        var drafts = Database.Get<DraftService>();

        var first = await drafts.SaveAsync(entryId, 1, Loop.Vera, Typed("12,3"), fromRevision: 0);
        var second = await drafts.SaveAsync(entryId, 1, Loop.Vera, Typed("12,345", focused: "death"), first.Revision);

        var form = await Database.Get<EntryService>().GetPassFormAsync(entryId, 1, Loop.Vera);
        var draft = Assert.IsType<DraftView>(form.Draft);
        Assert.Equal(2, second.Revision);
        Assert.Equal(second.Revision, draft.Revision);
        Assert.Equal("12,345", draft.Content.Texts["positive"]);
        Assert.Equal("1,2", draft.Content.Texts["death"]);
        Assert.Equal(("death", "2020-11-14T17:45", "public words"), (draft.Content.FocusedField, draft.Content.SourceUpdatedAt, draft.Content.PublicNote));
    }

    [Fact]
    public async Task TheOtherPassNeverSeesADraft()
    {
        var entryId = await Loop.EntryIdAsync(await Loop.OpenShiftAsync(Day, "AK"), "AK");
        await Database.Get<DraftService>().SaveAsync(entryId, 1, Loop.Vera, Typed("777,777", privateNote: "marker-private"), 0);

        var coles = await Database.Get<EntryService>().GetPassFormAsync(entryId, 2, Loop.Cole);

        Assert.Null(coles.Draft);
        var refused = await Assert.ThrowsAsync<DomainException>(() => Database.Get<DraftService>().SaveAsync(entryId, 1, Loop.Cole, Typed("1"), 0));
        Assert.Contains("no longer yours", refused.Message);
        Assert.Null(await Database.Get<DraftService>().FindAsync(entryId, 1, Loop.Cole));
    }

    [Fact]
    public async Task ASaveFromAnOlderWindowIsRefusedAndDoesNotOverwriteTheNewerDraft()
    {
        var entryId = await Loop.EntryIdAsync(await Loop.OpenShiftAsync(Day, "AK"), "AK");
        var drafts = Database.Get<DraftService>();
        await drafts.SaveAsync(entryId, 1, Loop.Vera, Typed("100"), 0);
        await drafts.SaveAsync(entryId, 1, Loop.Vera, Typed("200"), 1);

        // A phone opened the pass at revision 1 and types after the laptop saved revision 2.
        var stale = await Assert.ThrowsAsync<DomainException>(() => drafts.SaveAsync(entryId, 1, Loop.Vera, Typed("999"), 1));
        var bothFirst = await Assert.ThrowsAsync<DomainException>(() => drafts.SaveAsync(entryId, 1, Loop.Vera, Typed("999"), 0));

        Assert.Equal(DraftService.Overtaken, stale.Message);
        Assert.Equal(DraftService.Overtaken, bothFirst.Message);
        var kept = await drafts.FindAsync(entryId, 1, Loop.Vera);
        Assert.Equal(("200", 2), (kept!.Texts["positive"], kept.Revision));
    }

    [Fact]
    public async Task SubmittingThePassRemovesItsDraftAndLaterSavesAreRefused()
    {
        var entryId = await Loop.EntryIdAsync(await Loop.OpenShiftAsync(Day, "AK"), "AK");
        var drafts = Database.Get<DraftService>();
        await drafts.SaveAsync(entryId, 1, Loop.Vera, Typed("5"), 0);

        await Loop.SubmitAsync(entryId, 1, Loop.Vera, new Dictionary<string, string> { ["positive"] = "5" });

        Assert.Null(await drafts.FindAsync(entryId, 1, Loop.Vera));
        var late = await Assert.ThrowsAsync<DomainException>(() => drafts.SaveAsync(entryId, 1, Loop.Vera, Typed("6"), 1));
        Assert.Contains("already submitted", late.Message);
    }

    [Fact]
    public async Task ADraftWithAFieldTooLongToBeACountIsRefusedAndTheSavedOneKept()
    {
        var entryId = await Loop.EntryIdAsync(await Loop.OpenShiftAsync(Day, "AK"), "AK");
        var drafts = Database.Get<DraftService>();
        await drafts.SaveAsync(entryId, 1, Loop.Vera, Typed("5"), 0);

        var refused = await Assert.ThrowsAsync<DomainException>(() => drafts.SaveAsync(entryId, 1, Loop.Vera, Typed(new string('9', 65)), 1));

        Assert.Contains("positive has more than 64 characters", refused.Message);
        Assert.Equal("5", (await drafts.FindAsync(entryId, 1, Loop.Vera))!.Texts["positive"]);
    }

    [Fact]
    public async Task AnAutosaveSavesOnceTheTypingPausesAndFlushesWhenThePageCloses()
    {
        var entryId = await Loop.EntryIdAsync(await Loop.OpenShiftAsync(Day, "AK"), "AK");
        var drafts = Database.Get<DraftService>();
        var autosave = new DraftAutosave(drafts, entryId, 1, Loop.Vera, 0, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var saved = new TaskCompletionSource();
        autosave.StateChanged += () =>
        {
            if (autosave.State == DraftState.Saved)
            {
                saved.TrySetResult();
            }
        };

        autosave.Changed(Typed("1"));
        autosave.Changed(Typed("12"));
        autosave.Changed(Typed("123"));
        await saved.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var afterPause = await drafts.FindAsync(entryId, 1, Loop.Vera);
        Assert.Equal(("123", 1), (afterPause!.Texts["positive"], afterPause.Revision));
        Assert.Equal(DraftState.Saved, autosave.State);

        autosave.Changed(Typed("1234"));
        await autosave.DisposeAsync();
        Assert.Equal("1234", (await drafts.FindAsync(entryId, 1, Loop.Vera))!.Texts["positive"]);
    }

    [Fact]
    public async Task APassTakenOverBySomeoneElseStartsFromAnEmptyForm()
    {
        var shiftId = await Loop.OpenShiftAsync(Day, "AK");
        var entryId = await Loop.EntryIdAsync(shiftId, "AK");
        await Database.Get<DraftService>().SaveAsync(entryId, 1, Loop.Vera, Typed("5"), 0);
        var newcomer = await Database.CreateUserAsync("Nina Newcomer");

        await Database.Get<ShiftService>().AssignAsync(shiftId, entryId, 1, newcomer, Loop.Lead);

        Assert.Null((await Database.Get<EntryService>().GetPassFormAsync(entryId, 1, newcomer)).Draft);
        await using var db = await Database.DbAsync();
        Assert.Equal(1, await db.PassDrafts.CountAsync(d => d.EntryId == entryId && d.UserId == Loop.Vera));
    }
}
