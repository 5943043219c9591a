using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace CovidEntry.Domain.Audit;

/// <summary>Why an event breaks the chain.</summary>
public enum AuditBreakKind
{
    /// <summary>Its link's hash does not follow from the links before it.</summary>
    HashMismatch,

    /// <summary>It is on no link and not waiting for one.</summary>
    Unlinked,
}

/// <summary>Where an audit chain stops being what it claims to be.</summary>
public sealed record AuditBreak(long EventId, DateTime OccurredAtUtc, AuditAction Action, string EntityType, string? EntityKey,
    AuditBreakKind Kind = AuditBreakKind.HashMismatch)
{
    public string Describe() => Kind == AuditBreakKind.HashMismatch
        ? $"Audit chain broken at event {EventId} ({OccurredAtUtc:yyyy-MM-dd HH:mm:ss} UTC, {Action} {EntityType} {EntityKey}): its hash does not follow from the events before it, so it or an event before it was changed, removed or inserted."
        : $"Audit event {EventId} ({OccurredAtUtc:yyyy-MM-dd HH:mm:ss} UTC, {Action} {EntityType} {EntityKey}) is on no link of the chain and not waiting for one: it was taken off the queue, or its link removed, behind the app's back.";
}

/// <summary>
/// The tamper evidence of the audit trail: each link's hash = SHA-256(previous link's hash ‖
/// canonical event), the canonical event being a fixed-order JSON array of its fields.
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
}
