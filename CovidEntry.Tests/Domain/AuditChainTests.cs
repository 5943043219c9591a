using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CovidEntry.Domain.Audit;

namespace CovidEntry.Tests.Domain;

/// <summary>
/// The seal and the link hash are computed in a buffer each thread keeps (a publish seals about a
/// thousand events); they must stay byte for byte the definition of docs/decisions/030, or every
/// event sealed before would stop verifying.
/// </summary>
public sealed class AuditChainTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private const string KeyId = "0123456789abcdef";

    public static TheoryData<string> Kinds => ["plain", "nulls", "escaped", "huge"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void SealAndLinkAreTheHmacOfTheCanonicalEventAsDefined(string kind)
    {
        var e = Event(kind);
        Assert.Equal(KeyId + ":" + PlainMac("event\n" + PlainCanonical(e)), AuditChain.SealOf(KeyId, Key, e));
        var previous = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        Assert.Equal(PlainMac("link\n" + previous + "\n" + PlainCanonical(e)), AuditChain.LinkHash(Key, previous, e));
    }

    [Fact]
    public void AnEventAfterALongerOneOnTheSameThreadIsHashedOnItsOwn()
    {
        foreach (var kind in (string[])["huge", "plain", "escaped", "plain", "nulls"])
        {
            var e = Event(kind);
            Assert.Equal(KeyId + ":" + PlainMac("event\n" + PlainCanonical(e)), AuditChain.SealOf(KeyId, Key, e));
        }
    }

    [Fact]
    public async Task ThreadsSealingAtOnceDoNotMixTheirEvents()
    {
        var events = Enumerable.Range(0, 400).Select(i => Event(i % 5 == 0 ? "escaped" : "plain", i)).ToList();
        var expected = events.Select(e => KeyId + ":" + PlainMac("event\n" + PlainCanonical(e))).ToList();
        var sealedAtOnce = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => events.Select(e => AuditChain.SealOf(KeyId, Key, e)).ToList())));
        Assert.All(sealedAtOnce, seals => Assert.Equal(expected, seals));
    }

    private static AuditEvent Event(string kind, int n = 0) => kind switch
    {
        "plain" => new AuditEvent(new DateTime(2021, 3, 7, 18, 4, 5, DateTimeKind.Utc).AddTicks(1234567 + n), "user-1", "Lena Lead", AuditAction.Insert, "ValueVersions", $"NY|2021-03-07|death|{n}",
            [new("Value", null, "39029"), new("MetricKey", null, "death"), new("LagDays", null, "0")], "circuit-1", null, Guid.Parse("6f0c7f8e-2d4b-4a31-9a63-1c2f3e4d5a6b")),
        "nulls" => new AuditEvent(DateTime.UnixEpoch, null, null, AuditAction.SignOut, "Sessions", null, [], null, null, null),
        "escaped" => new AuditEvent(new DateTime(2026, 12, 6, 0, 0, 0, DateTimeKind.Utc).AddTicks(n), "u", "Zoë \"Z\" <o'Brien> & 🦠", AuditAction.Update, "Jurisdictions", "PR",
            [new("SourceUrl", "https://salud.pr.gov/?a=1&b=<2>", "https://salud.pr.gov/estadísticas\u2028\t\\"), new("Notes", "\0", "línea\nnueva")], "c", "Corrección: «datos» revisados", null),
        "huge" => new AuditEvent(DateTime.UnixEpoch, "u", "n", AuditAction.Import, "ValueVersions", "import",
            [.. Enumerable.Range(0, 3000).Select(i => new FieldChange($"field{i:D5}", new string('x', 20), $"after {i} é"))], null, new string('r', 5000), Guid.Empty),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>docs/decisions/030 as written: the canonical event is this JSON array, hashed as UTF-8.</summary>
    private static string PlainCanonical(AuditEvent e)
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

    private static string PlainMac(string text) => Convert.ToHexStringLower(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes(text)));
}
