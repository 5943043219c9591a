using System.Buffers;
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

    /// <summary>The seal and link hashes are computed in a buffer kept by each thread: a publish seals about a thousand events.</summary>
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? _json;

    /// <summary>A buffer grown past this by an outsized event is not kept for the next one.</summary>
    private const int KeptBufferBytes = 64 * 1024;

    public static string LinkHash(byte[] key, string previousHash, AuditEvent e) =>
        Convert.ToHexStringLower(Mac(key, e, "link\n", previousHash, "\n"));

    /// <summary>The event's seal: the key's id, a colon, and the HMAC of the event under that key.</summary>
    public static string SealOf(string keyId, byte[] key, AuditEvent e) =>
        keyId + ":" + Convert.ToHexStringLower(Mac(key, e, "event\n"));

    /// <summary>HMAC-SHA256 under <paramref name="key"/> of the UTF-8 of <paramref name="prefix"/> followed by the canonical event.</summary>
    private static byte[] Mac(byte[] key, AuditEvent e, params ReadOnlySpan<string> prefix)
    {
        var buffer = _buffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        foreach (var part in prefix)
        {
            Encoding.UTF8.GetBytes(part, buffer);
        }

        WriteCanonical(buffer, e);
        var mac = HMACSHA256.HashData(key, buffer.WrittenSpan);
        if (buffer.Capacity > KeptBufferBytes)
        {
            _buffer = null;
            _json = null;
        }

        return mac;
    }

    /// <summary>The canonical event: a fixed-order JSON array of its fields, as UTF-8.</summary>
    private static void WriteCanonical(IBufferWriter<byte> output, AuditEvent e)
    {
        var json = _json;
        if (json is null)
        {
            _json = json = new Utf8JsonWriter(output);
        }
        else
        {
            json.Reset(output);
        }

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
        json.Flush();
    }

    /// <summary>The id of the key that made <paramref name="seal"/>, or null for a value that is no seal.</summary>
    public static string? KeyIdOf(string? seal) =>
        seal is { Length: > 0 } && seal.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon ? seal[..colon] : null;
}
