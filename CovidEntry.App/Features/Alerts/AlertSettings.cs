namespace CovidEntry.App.Features.Alerts;

/// <summary>Configuration section <c>Alerts</c>.</summary>
public sealed class AlertSettings
{
    /// <summary>A Slack-compatible incoming webhook; with none, no alert is queued.</summary>
    public string? WebhookUrl { get; set; }

    public int MaxAttempts { get; set; } = 6;

    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one post may take before it counts as failed.</summary>
    public TimeSpan PostTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often overdue jurisdictions are looked for (0 turns the staleness alert off).</summary>
    public int StalenessCheckMinutes { get; set; } = 15;

    public bool Enabled => Uri.TryCreate(WebhookUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
}
