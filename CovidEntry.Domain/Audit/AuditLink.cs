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

    private AuditLink(long eventId, string hash)
    {
        EventId = eventId;
        Hash = hash;
    }

    public long Position { get; private set; }
    public long EventId { get; private set; }

    /// <summary>SHA-256 (hex) of the previous link's hash and the event's canonical form.</summary>
    public string Hash { get; private set; } = "";

    /// <summary>Links <paramref name="inOrder"/> one after another, starting after <paramref name="previousHash"/>.</summary>
    public static IReadOnlyList<AuditLink> After(string previousHash, IEnumerable<AuditEvent> inOrder)
    {
        var links = new List<AuditLink>();
        foreach (var e in inOrder)
        {
            var link = new AuditLink(e.Id, AuditChain.HashOf(previousHash, e));
            links.Add(link);
            previousHash = link.Hash;
        }

        return links;
    }
}
