using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace CovidEntry.Domain.Audit;

/// <summary>
/// The tamper evidence of the audit trail, keyed with a secret the database never holds
/// (docs/decisions/030): each event is sealed when the app writes it, seal = HMAC-SHA256(key,
/// "event" ‖ canonical event), so an event inserted behind the app's back has no valid seal; each
/// link's hash = HMAC-SHA256(key, "link" ‖ previous link's hash ‖ canonical event), so nobody
/// without the key can re-link the chain after changing, removing or inserting an event. The
/// canonical event is a fixed-order JSON array of its fields.
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

    public static string LinkHash(byte[] key, string previousHash, AuditEvent e) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("link\n" + previousHash + "\n" + Canonical(e))));

    /// <summary>The event's seal: the key's id, a colon, and the HMAC of the event under that key.</summary>
    public static string SealOf(string keyId, byte[] key, AuditEvent e) =>
        keyId + ":" + Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("event\n" + Canonical(e))));

    /// <summary>The id of the key that made <paramref name="seal"/>, or null for a value that is no seal.</summary>
    public static string? KeyIdOf(string? seal) =>
        seal is { Length: > 0 } && seal.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon ? seal[..colon] : null;
}
