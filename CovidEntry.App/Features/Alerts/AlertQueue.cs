using CovidEntry.App.Data;
using Microsoft.Extensions.Options;

namespace CovidEntry.App.Features.Alerts;

/// <summary>
/// Queues alerts in the caller's own DbContext, so an alert exists exactly when what it reports
/// was saved; posting happens later and never makes the caller wait.
/// </summary>
public sealed class AlertQueue(IOptions<AlertSettings> settings, WebhookSender sender, TimeProvider clock)
{
    public const string Publish = "publish";
    public const string SnapshotFailed = "snapshot-failed";
    public const string Stale = "stale";
    public const string ShiftClosed = "shift-closed";

    public bool Enabled => settings.Value.Enabled;

    public void Add(CovidEntryDbContext db, string kind, string text, string? dedupeKey = null)
    {
        if (Enabled)
        {
            db.WebhookMessages.Add(new WebhookMessage(kind, text, dedupeKey, clock.GetUtcNow().UtcDateTime));
        }
    }

    /// <summary>Tells the sender there is something new, once the caller's transaction is committed.</summary>
    public void Committed() => sender.Wake();
}
