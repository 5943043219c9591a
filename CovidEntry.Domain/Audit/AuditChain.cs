using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace CovidEntry.Domain.Audit;

/// <summary>Where an audit chain stops being what it claims to be.</summary>
public sealed record AuditBreak(long EventId, DateTime OccurredAtUtc, AuditAction Action, string EntityType, string? EntityKey)
{
    public string Describe() =>
        $"Audit chain broken at event {EventId} ({OccurredAtUtc:yyyy-MM-dd HH:mm:ss} UTC, {Action} {EntityType} {EntityKey}): its hash does not follow from the events before it, so it or an event before it was changed, removed or inserted.";
}

/// <summary>
/// The tamper evidence of the audit trail: hash = SHA-256(previous hash ‖ canonical event), the
/// canonical event being a fixed-order JSON array of its fields.
/// </summary>
public static class AuditChain
{
    /// <summary>The "previous hash" of the first event.</summary>
    public static readonly string Genesis = new('0', 64);

    public static DateTime ToMicroseconds(DateTime utc) =>
        new(utc.Ticks - (utc.Ticks % 10), DateTimeKind.Utc);

    public static string Canonical(AuditEvent e)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            json.WriteStringValue(e.OccurredAtUtc.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
            json.WriteStringValue(e.UserId);
            json.WriteStringValue(e.UserName);
            json.WriteStringValue(e.Action.ToString());
            json.WriteStringValue(e.EntityType);
            json.WriteStringValue(e.EntityKey);
            json.WriteStartArray();
            foreach (var change in e.Changes)
            {
                json.WriteStartArray();
                json.WriteStringValue(change.Field);
                json.WriteStringValue(change.Before);
                json.WriteStringValue(change.After);
                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteStringValue(e.CorrelationId);
            json.WriteStringValue(e.Reason);
            json.WriteStringValue(e.BatchId?.ToString());
            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static string HashOf(string previousHash, AuditEvent e) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(previousHash + Canonical(e))));

    /// <summary>
    /// Walks events in order from the first; returns the first whose hash does not follow from the
    /// ones before it, or null when the whole chain holds.
    /// </summary>
    public static AuditBreak? FirstBreak(IEnumerable<AuditEvent> inOrder)
    {
        var previous = Genesis;
        foreach (var e in inOrder)
        {
            if (HashOf(previous, e) != e.Hash)
            {
                return new AuditBreak(e.Id, e.OccurredAtUtc, e.Action, e.EntityType, e.EntityKey);
            }

            previous = e.Hash;
        }

        return null;
    }
}
