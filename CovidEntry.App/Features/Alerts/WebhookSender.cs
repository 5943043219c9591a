using System.Net.Http.Json;
using CovidEntry.App.Data;
using CovidEntry.App.Features.Audit;
using CovidEntry.Domain.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CovidEntry.App.Features.Alerts;

/// <summary>
/// Posts queued alerts to the configured webhook as Slack-compatible JSON (<c>{"text": …}</c>),
/// retrying failures with exponential backoff. Several app instances share the queue safely:
/// each due message is leased by one instance before it is posted.
/// </summary>
public sealed class WebhookSender(
    IDbContextFactory<CovidEntryDbContext> dbFactory,
    IHttpClientFactory httpFactory,
    IOptions<AlertSettings> settings,
    TimeProvider clock,
    ILogger<WebhookSender> logger) : BackgroundService
{
    public const string HttpClientName = "webhook";

    /// <summary>How long a leased message is left alone by other instances while it is being posted.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    private readonly SemaphoreSlim _wake = new(0);

    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    /// <summary>Posts every message that is due now; returns how many were delivered.</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken = default)
    {
        var options = settings.Value;
        if (!options.Enabled)
        {
            return 0;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var leaseUntil = now + Lease;
        List<long> ids;
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            ids = await db.Database.SqlQuery<long>($"""
                UPDATE "WebhookMessages" SET "NextAttemptAtUtc" = {leaseUntil}
                WHERE "Id" IN (
                    SELECT "Id" FROM "WebhookMessages"
                    WHERE "DeliveredAtUtc" IS NULL AND "GaveUpAtUtc" IS NULL AND "NextAttemptAtUtc" <= {now}
                    ORDER BY "Id" LIMIT 20 FOR UPDATE SKIP LOCKED)
                RETURNING "Id" AS "Value"
                """).ToListAsync(cancellationToken);

            // A raw UPDATE passes the interceptor by: the lease is recorded here.
            await AuditLog.RecordRowsAsync<WebhookMessage>(db, AuditAction.Update,
                ids.Select(id => (string?)id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList(),
                [new FieldChange(nameof(WebhookMessage.NextAttemptAtUtc), null, leaseUntil.ToString("O", System.Globalization.CultureInfo.InvariantCulture))], cancellationToken);

            await transaction.CommitAsync(cancellationToken);
        }

        if (ids.Count == 0)
        {
            return 0;
        }

        var messages = await db.WebhookMessages.Where(m => ids.Contains(m.Id)).OrderBy(m => m.Id).ToListAsync(cancellationToken);
        var delivered = 0;
        var client = httpFactory.CreateClient(HttpClientName);
        client.Timeout = options.PostTimeout;
        foreach (var message in messages)
        {
            try
            {
                using var response = await client.PostAsJsonAsync(options.WebhookUrl, new { text = message.Text, username = "CovidEntry" }, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    message.Delivered(clock.GetUtcNow().UtcDateTime);
                    delivered++;
                    continue;
                }

                Fail(message, $"The webhook answered {(int)response.StatusCode} {response.ReasonPhrase}.", options);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                Fail(message, ex.Message, options);
            }
        }

        await db.SaveChangesAsync(CancellationToken.None);
        return delivered;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var actor = Audit.AuditContext.BeginSystem("webhook");
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SendDueAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The database may be down for a moment; the next round tries again.
                logger.LogError(ex, "Sending webhook alerts failed");
            }

            try
            {
                await _wake.WaitAsync(TimeSpan.FromSeconds(2), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Fail(WebhookMessage message, string error, AlertSettings options)
    {
        message.Failed(error, clock.GetUtcNow().UtcDateTime, options.FirstRetryDelay, options.MaxAttempts);
        if (message.GaveUpAtUtc is not null)
        {
            logger.LogError("Webhook alert {MessageId} ({Kind}) given up after {Attempts} tries: {Error}", message.Id, message.Kind, message.Attempts, error);
        }
        else
        {
            logger.LogWarning("Webhook alert {MessageId} ({Kind}) failed (try {Attempts}); next try at {NextAttempt}: {Error}",
                message.Id, message.Kind, message.Attempts, message.NextAttemptAtUtc, error);
        }
    }
}
