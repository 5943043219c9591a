using System.Text.Json;
using CovidEntry.App.Features.Alerts;
using CovidEntry.App.Features.Jurisdictions;
using CovidEntry.App.Features.Publish;
using CovidEntry.App.Features.Shifts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CovidEntry.Tests.Integration;

/// <summary>
/// Alerts posted to a webhook that a test listener on loopback plays, on a clock the test moves: a
/// retry is due exactly when its delay has passed, however slow the machine.
/// </summary>
public sealed class WebhookTests : LoopTest
{
    private static readonly Dictionary<string, string> Values = new() { ["positive"] = "1,000" };
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(2);
    private readonly WebhookListener _hook;
    private readonly FakeTimeProvider _clock;

    public WebhookTests()
        : this(new WebhookListener(), new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 22, 0, 0, TimeSpan.Zero)))
    {
    }

    private WebhookTests(WebhookListener hook, FakeTimeProvider clock)
        : base(new Dictionary<string, string?>
            {
                ["Alerts:WebhookUrl"] = hook.Url,
                ["Alerts:FirstRetryDelay"] = FirstRetry.ToString(),
                ["Alerts:MaxAttempts"] = "3",
            },
            services => services.AddSingleton<TimeProvider>(clock))
    {
        _hook = hook;
        _clock = clock;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _hook.DisposeAsync();
    }

    [Fact]
    public async Task APublishPostsSlackCompatibleJsonToTheWebhook()
    {
        await Database.Get<PublishService>().PublishShiftAsync(await Loop.VerifiedShiftInReviewAsync(Day, Values, "AK", "AL"), Loop.Lead);

        Assert.Equal(1, await Database.Get<WebhookSender>().SendDueAsync());

        var body = JsonDocument.Parse(Assert.Single(_hook.Bodies)).RootElement;
        Assert.Equal(":white_check_mark: Published 2020-11-14 evening: 2 jurisdictions, 2 new values, by Lena Lead.", body.GetProperty("text").GetString());
        Assert.Equal(0, await Database.Get<WebhookSender>().SendDueAsync());
    }

    [Fact]
    public async Task AFailedPostIsRetriedWithGrowingDelaysUntilItIsDelivered()
    {
        _hook.FailuresBeforeSuccess = 2;
        await Database.Get<PublishService>().PublishShiftAsync(await Loop.VerifiedShiftInReviewAsync(Day, Values, "AK"), Loop.Lead);
        var sender = Database.Get<WebhookSender>();
        var start = _clock.GetUtcNow().UtcDateTime;

        Assert.Equal(0, await sender.SendDueAsync());
        var first = await MessageAsync();
        _clock.Advance(FirstRetry - TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, await sender.SendDueAsync());
        Assert.Single(_hook.Bodies);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, await sender.SendDueAsync());
        var second = await MessageAsync();
        _clock.Advance(second.NextAttemptAtUtc - _clock.GetUtcNow().UtcDateTime);
        Assert.Equal(1, await sender.SendDueAsync());

        Assert.Equal(3, _hook.Bodies.Count);
        Assert.Equal(1, first.Attempts);
        Assert.Equal("The webhook answered 500 Internal Server Error.", first.LastError);
        Assert.Equal(start + FirstRetry, first.NextAttemptAtUtc);
        Assert.Equal(first.NextAttemptAtUtc + (2 * FirstRetry), second.NextAttemptAtUtc);
        var done = await MessageAsync();
        Assert.Equal((3, (string?)null), (done.Attempts, done.LastError));
        Assert.NotNull(done.DeliveredAtUtc);
    }

    [Fact]
    public async Task AnUnreachableWebhookNeverBlocksAPublishAndIsGivenUpAfterItsTries()
    {
        _hook.FailuresBeforeSuccess = int.MaxValue;
        var shiftId = await Loop.VerifiedShiftInReviewAsync(Day, Values, "AK");

        var result = await Database.Get<PublishService>().PublishShiftAsync(shiftId, Loop.Lead);
        Assert.Equal(1, result.VersionsWritten);

        var sender = Database.Get<WebhookSender>();
        for (var i = 0; i < 3; i++)
        {
            await sender.SendDueAsync();
            _clock.Advance(FirstRetry * (1 << i));
        }

        var message = await MessageAsync();
        Assert.Equal(3, message.Attempts);
        Assert.NotNull(message.GaveUpAtUtc);
        Assert.Null(message.DeliveredAtUtc);
        Assert.Equal(0, await sender.SendDueAsync());
    }

    [Fact]
    public async Task ClosingAShiftPostsItsSummaryAndHandoff()
    {
        var shiftId = await Loop.VerifiedShiftInReviewAsync(Day, Values, "AK");
        await Database.Get<PublishService>().PublishShiftAsync(shiftId, Loop.Lead);
        await Database.Get<ShiftService>().WriteHandoffAsync(shiftId, "AK dashboard is slow after 6 pm", Loop.Lead);

        await Database.Get<ShiftService>().CloseAsync(shiftId, Loop.Lead);
        await Database.Get<WebhookSender>().SendDueAsync();

        var closed = JsonDocument.Parse(_hook.Bodies[^1]).RootElement.GetProperty("text").GetString();
        Assert.StartsWith(":checkered_flag: Shift 2020-11-14 evening closed: 1 of 1 jurisdictions published, 1 new values;", closed);
        Assert.EndsWith("Handoff: AK dashboard is slow after 6 pm", closed);
    }

    [Fact]
    public async Task AnOverdueJurisdictionIsAlertedOncePerDay()
    {
        await Database.Get<JurisdictionService>().ScheduleAsync("AK", new TimeOnly(0, 0), Loop.Admin);
        var staleness = Database.Get<StalenessService>();

        Assert.Equal(["AK"], await staleness.AlertOverdueAsync());
        Assert.Empty(await staleness.AlertOverdueAsync());

        await Database.Get<WebhookSender>().SendDueAsync();
        var text = JsonDocument.Parse(Assert.Single(_hook.Bodies)).RootElement.GetProperty("text").GetString();
        Assert.StartsWith(":hourglass: AK (Alaska) is overdue for ", text);
        Assert.EndsWith("it usually updates at 00:00 UTC and is never published.", text);
        var row = (await staleness.ListAsync(DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime))).Single(r => r.Code == "AK");
        Assert.Equal(CovidEntry.Domain.Alerts.StaleState.Overdue, row.State);
    }

    private async Task<WebhookMessage> MessageAsync()
    {
        await using var db = await Database.DbAsync();
        return await db.WebhookMessages.AsNoTracking().SingleAsync();
    }
}
