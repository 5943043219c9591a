namespace CovidEntry.Domain.Audit;

/// <summary>
/// One link of the audit chain: the event at this position and the hash that seals it after the
/// link before. Events are linked shortly after their transaction commits, one link after another,
/// so the chain's order is the order of its positions. Links, like events, are never changed.
/// </summary>
public sealed class AuditLink
{
    public const int HashLength = 64;

    private AuditLink()
    {
    }

    private AuditLink(long eventId, string hash, string keyId)
    {
        EventId = eventId;
        Hash = hash;
        KeyId = keyId;
    }

    public long Position { get; private set; }
    public long EventId { get; private set; }

    /// <summary>HMAC-SHA256 (hex) of the previous link's hash and the event's canonical form, under the key <see cref="KeyId"/> names.</summary>
    public string Hash { get; private set; } = "";

    /// <summary>Which audit key sealed the link (its fingerprint): keys can be rotated, old links keep theirs.</summary>
    public string KeyId { get; private set; } = "";

    /// <summary>Links <paramref name="inOrder"/> one after another, starting after <paramref name="previousHash"/>, under <paramref name="key"/>.</summary>
    public static IReadOnlyList<AuditLink> After(string previousHash, IEnumerable<AuditEvent> inOrder, string keyId, byte[] key)
    {
        var links = new List<AuditLink>();
        foreach (var e in inOrder)
        {
            var link = new AuditLink(e.Id, AuditChain.LinkHash(key, previousHash, e), keyId);
            links.Add(link);
            previousHash = link.Hash;
        }

        return links;
    }
}
