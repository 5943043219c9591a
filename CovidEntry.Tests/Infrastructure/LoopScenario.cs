using CovidEntry.App.Features.Entries;
using CovidEntry.App.Features.Review;
using CovidEntry.App.Features.Shifts;
using CovidEntry.Domain.People;
using CovidEntry.Domain.Quality;
using CovidEntry.Domain.Screenshots;
using Microsoft.EntityFrameworkCore;

namespace CovidEntry.Tests.Infrastructure;

/// <summary>Drives the core loop through the app's own services, as the pages do.</summary>
public sealed class LoopScenario(TestDatabase database)
{
    public string Lead { get; private set; } = "";

    /// <summary>An admin: update times, imports, snapshots and people are theirs.</summary>
    public string Admin { get; private set; } = "";
    public string OtherLead { get; private set; } = "";
    public string Vera { get; private set; } = "";
    public string Cole { get; private set; } = "";

    public async Task<LoopScenario> WithPeopleAsync()
    {
        Lead = await database.CreateUserAsync("Lena Lead", Roles.ShiftLead);
        OtherLead = await database.CreateUserAsync("Omar Lead", Roles.ShiftLead);
        Admin = await database.CreateUserAsync("Ada Admin", Roles.Admin);
        Vera = await database.CreateUserAsync("Vera Volunteer");
        Cole = await database.CreateUserAsync("Cole Checker");
        return this;
    }

    public async Task<Guid> OpenShiftAsync(DateOnly dataDate, params string[] codes)
    {
        var shifts = database.Get<ShiftService>();
        var shiftId = await shifts.OpenAsync(new NewShiftForm { Label = $"{dataDate:yyyy-MM-dd} evening", DataDate = dataDate.ToDateTime(TimeOnly.MinValue), Jurisdictions = codes }, Lead);
        foreach (var entry in (await shifts.GetAsync(shiftId))!.Entries)
        {
            await shifts.AssignAsync(shiftId, entry.EntryId, 1, Vera, Lead);
            await shifts.AssignAsync(shiftId, entry.EntryId, 2, Cole, Lead);
        }

        return shiftId;
    }

    public async Task<ShiftDetail> ShiftAsync(Guid shiftId) => (await database.Get<ShiftService>().GetAsync(shiftId))!;

    public Task BeginReviewAsync(Guid shiftId) => database.Get<ShiftService>().BeginReviewAsync(shiftId, Lead);

    public async Task<Guid> EntryIdAsync(Guid shiftId, string code) =>
        (await database.Get<ShiftService>().GetAsync(shiftId))!.Entries.Single(e => e.Code == code).EntryId;

    public async Task<SubmitOutcome> SubmitAsync(Guid entryId, int pass, string userId, IReadOnlyDictionary<string, string> texts,
        string? publicNote = null, string? privateNote = null, IReadOnlyDictionary<string, WarningAnswer>? answers = null,
        IReadOnlyDictionary<string, ValueEvidence>? evidence = null)
    {
        var service = database.Get<EntryService>();
        var view = await service.GetPassFormAsync(entryId, pass, userId);
        var form = EntryFormModel.For(view.Metrics);
        foreach (var input in form.Values)
        {
            input.Text = texts.GetValueOrDefault(input.Key);
        }

        form.PublicNote = publicNote;
        form.PrivateNote = privateNote;
        foreach (var (key, cited) in evidence ?? new Dictionary<string, ValueEvidence>())
        {
            form.Evidence[key] = cited;
        }

        foreach (var (key, answer) in answers ?? new Dictionary<string, WarningAnswer>())
        {
            form.Answers[key] = new WarningAnswerInput { Reason = answer.Reason, Note = answer.Note };
        }

        return await service.SubmitAsync(entryId, pass, userId, form);
    }

    /// <summary>Both passes agree on the given values for every jurisdiction of the shift.</summary>
    public async Task VerifyAllAsync(Guid shiftId, IReadOnlyDictionary<string, string> texts)
    {
        foreach (var entry in (await database.Get<ShiftService>().GetAsync(shiftId))!.Entries)
        {
            await SubmitAsync(entry.EntryId, 1, Vera, texts);
            await SubmitAsync(entry.EntryId, 2, Cole, texts);
        }
    }

    public async Task<Guid> VerifiedShiftInReviewAsync(DateOnly dataDate, IReadOnlyDictionary<string, string> texts, params string[] codes)
    {
        var shiftId = await OpenShiftAsync(dataDate, codes);
        await VerifyAllAsync(shiftId, texts);
        await BeginReviewAsync(shiftId);
        await ApproveAllAsync(shiftId);
        return shiftId;
    }

    /// <summary>The lead approves every entry of the shift, those with warnings included.</summary>
    public async Task ApproveAllAsync(Guid shiftId)
    {
        var review = database.Get<ReviewService>();
        foreach (var entry in (await database.Get<ShiftService>().GetAsync(shiftId))!.Entries)
        {
            await review.ApproveAsync(shiftId, entry.EntryId, Lead);
        }
    }

    public async Task<int> VersionCountAsync()
    {
        await using var db = await database.DbAsync();
        return await db.ValueVersions.CountAsync();
    }
}
