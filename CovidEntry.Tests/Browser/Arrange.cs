using CovidEntry.App.Data;
using CovidEntry.App.Features.Entries;
using CovidEntry.App.Features.Reconcile;
using CovidEntry.App.Features.Review;
using CovidEntry.App.Features.Shifts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace CovidEntry.Tests.Browser;

/// <summary>
/// Arranges what a browser test starts from through the app's own services, on the browser app's
/// database, from the test's process (as another app instance would: open pages learn of it only
/// when they next look).
/// </summary>
public sealed class Arrange(BrowserFixture browser) : IAsyncDisposable
{
    private readonly WebApplication _app = browser.Services();

    public T Get<T>() where T : notnull => _app.Services.CreateScope().ServiceProvider.GetRequiredService<T>();

    public async Task<string> IdOfAsync(string email)
    {
        using var scope = _app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return (await users.FindByEmailAsync(email))!.Id;
    }

    public async Task<ShiftDetail> ShiftAsync(Guid shiftId) => (await Get<ShiftService>().GetAsync(shiftId))!;

    public async Task AssignAsync(ShiftDetail shift, string code, int pass, string email)
    {
        var entry = shift.Entries.Single(e => e.Code == code);
        await Get<ShiftService>().AssignAsync(shift.Id, entry.EntryId, pass, await IdOfAsync(email), await IdOfAsync(BrowserFixture.AdminEmail));
    }

    /// <summary>Submits a pass as its holder would, with the given values by metric key (the rest empty).</summary>
    public async Task SubmitAsync(Guid entryId, int pass, string email, IReadOnlyDictionary<string, string> texts)
    {
        var userId = await IdOfAsync(email);
        var service = Get<EntryService>();
        var view = await service.GetPassFormAsync(entryId, pass, userId);
        var form = EntryFormModel.For(view.Metrics);
        foreach (var input in form.Values)
        {
            input.Text = texts.GetValueOrDefault(input.Key);
        }

        await service.SubmitAsync(entryId, pass, userId, form);
    }

    public async Task ClaimAsync(Guid entryId, int pass, string email) =>
        await Get<QueueService>().ClaimAsync(entryId, pass, await IdOfAsync(email));

    public async Task BeginReviewAsync(Guid shiftId, string email) =>
        await Get<ShiftService>().BeginReviewAsync(shiftId, await IdOfAsync(email));

    public async Task ApproveAsync(Guid shiftId, Guid entryId, string email) =>
        await Get<ReviewService>().ApproveAsync(shiftId, entryId, await IdOfAsync(email));

    public async Task ReconcileAsync(Guid entryId, string metricKey, CovidEntry.Domain.Entries.ResolutionSource choice, string reason, string leadEmail) =>
        await Get<ReconcileService>().ReconcileAsync(entryId, metricKey, new ReconcileForm { Choice = choice, Reason = reason }, await IdOfAsync(leadEmail));

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
