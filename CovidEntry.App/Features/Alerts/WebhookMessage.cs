namespace CovidEntry.App.Features.Alerts;

/// <summary>
/// One alert waiting to be posted to the webhook (an outbox row): written in the transaction of
/// what it reports, posted afterwards by <see cref="WebhookSender"/>, retried with backoff.
/// </summary>
public sealed class WebhookMessage
{
    public const int KindMaxLength = 32;
    public const int DedupeKeyMaxLength = 200;

    private WebhookMessage()
    {
    }

    public WebhookMessage(string kind, string text, string? dedupeKey, DateTime nowUtc)
    {
        Kind = kind;
        Text = text;
        DedupeKey = dedupeKey;
        CreatedAtUtc = nowUtc;
        NextAttemptAtUtc = nowUtc;
    }

    public long Id { get; private set; }
    public string Kind { get; private set; } = "";

    /// <summary>The message as Slack shows it.</summary>
    public string Text { get; private set; } = "";

    /// <summary>The same alert is sent once: a second one with this key is not queued.</summary>
    public string? DedupeKey { get; private set; }

    public DateTime CreatedAtUtc { get; private set; }
    public int Attempts { get; private set; }
    public DateTime NextAttemptAtUtc { get; private set; }
    public DateTime? DeliveredAtUtc { get; private set; }
    public DateTime? GaveUpAtUtc { get; private set; }
    public string? LastError { get; private set; }

    public void Delivered(DateTime nowUtc)
    {
        Attempts++;
        DeliveredAtUtc = nowUtc;
        LastError = null;
    }

    /// <summary>A failed post: the next try waits twice as long as the one before, until the tries run out.</summary>
    public void Failed(string error, DateTime nowUtc, TimeSpan firstRetryDelay, int maxAttempts)
    {
        Attempts++;
        LastError = error.Length > 1000 ? error[..1000] : error;
        if (Attempts >= maxAttempts)
        {
            GaveUpAtUtc = nowUtc;
            return;
        }

        NextAttemptAtUtc = nowUtc + (firstRetryDelay * Math.Pow(2, Attempts - 1));
    }
}
