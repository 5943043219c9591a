using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CovidEntry.Domain.History;

/// <summary>
/// What one batch wrote for one jurisdiction: one line per version it added, in a fixed order, and
/// the SHA-256 of those lines. Written by the publish or import in the same transaction as the
/// versions, and never changed; the batch's sealed audit event records the digest of all its parts
/// (<see cref="VersionLines.BatchDigest"/>), so audit-verify can trust these lines and name every
/// cell that differs from them (docs/decisions/031).
/// </summary>
public sealed class BatchManifest
{
    private BatchManifest()
    {
    }

    public Guid BatchId { get; private set; }
    public string JurisdictionCode { get; private set; } = "";
    public int Rows { get; private set; }
    public string Sha256 { get; private set; } = "";

    /// <summary><see cref="VersionLines.Line"/> of every version, ordered by date then metric, joined by newlines.</summary>
    public string Lines { get; private set; } = "";
}

/// <summary>A published version as its batch's manifest records it (the batch, publisher and time are the batch's own).</summary>
public sealed record VersionLine(string JurisdictionCode, DateOnly DataDate, string MetricKey, int VersionNumber, long? Value,
    string? MissingReason, int LagDays, Guid? ScreenshotId)
{
    public CellKey Cell => new(JurisdictionCode, DataDate, MetricKey);

    /// <summary>The order of a manifest's lines: jurisdiction, date, metric (ordinal, as PostgreSQL's "C" collation sorts).</summary>
    public static int Compare(VersionLine a, VersionLine b)
    {
        var byCode = string.CompareOrdinal(a.JurisdictionCode, b.JurisdictionCode);
        if (byCode != 0)
        {
            return byCode;
        }

        var byDate = a.DataDate.CompareTo(b.DataDate);
        return byDate != 0 ? byDate : string.CompareOrdinal(a.MetricKey, b.MetricKey);
    }

    /// <summary>The fields that differ from <paramref name="recorded"/>, as "value 1230 → 1234".</summary>
    public IEnumerable<string> DifferencesFrom(VersionLine recorded)
    {
        if (VersionNumber != recorded.VersionNumber)
        {
            yield return $"version {recorded.VersionNumber} → {VersionNumber}";
        }

        if (Value != recorded.Value)
        {
            yield return $"value {Show(recorded.Value)} → {Show(Value)}";
        }

        if (MissingReason != recorded.MissingReason)
        {
            yield return $"reason for no value {recorded.MissingReason ?? "(none)"} → {MissingReason ?? "(none)"}";
        }

        if (LagDays != recorded.LagDays)
        {
            yield return $"lag {recorded.LagDays} → {LagDays} days";
        }

        if (ScreenshotId != recorded.ScreenshotId)
        {
            yield return $"screenshot {recorded.ScreenshotId?.ToString() ?? "(none)"} → {ScreenshotId?.ToString() ?? "(none)"}";
        }

        static string Show(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "(empty)";
    }

    public override string ToString() =>
        $"{JurisdictionCode} {DataDate:yyyy-MM-dd} {MetricKey} v{VersionNumber.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>
/// The canonical form of a batch's versions. The publish and the import write it in SQL
/// (BatchManifests.WriteSql in the app); audit-verify rebuilds it here from the version history, so
/// a line in one form that the other does not make shows up as a difference on a clean database.
/// </summary>
public static class VersionLines
{
    public static string Line(VersionLine v) => string.Join('|',
        v.JurisdictionCode,
        v.DataDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        v.MetricKey,
        v.VersionNumber.ToString(CultureInfo.InvariantCulture),
        v.Value?.ToString(CultureInfo.InvariantCulture) ?? "",
        v.MissingReason ?? "",
        v.LagDays.ToString(CultureInfo.InvariantCulture),
        v.ScreenshotId?.ToString() ?? "");

    /// <summary>Reads a line back; null for one that is not a version line.</summary>
    public static VersionLine? Parse(string line)
    {
        var f = line.Split('|');
        if (f.Length != 8
            || !DateOnly.TryParseExact(f[1], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            || !int.TryParse(f[3], CultureInfo.InvariantCulture, out var version)
            || !int.TryParse(f[6], CultureInfo.InvariantCulture, out var lag))
        {
            return null;
        }

        long? value = f[4].Length == 0 ? null : long.TryParse(f[4], CultureInfo.InvariantCulture, out var v) ? v : null;
        Guid? screenshot = f[7].Length == 0 ? null : Guid.TryParse(f[7], out var s) ? s : null;
        return new VersionLine(f[0], date, f[2], version, value, f[5].Length == 0 ? null : f[5], lag, screenshot);
    }

    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>A batch's digest: the SHA-256 of "code:sha256" of each jurisdiction's part, in code order, one a line.</summary>
    public static string BatchDigest(IEnumerable<(string JurisdictionCode, string Sha256)> parts) =>
        Sha256(string.Join('\n', parts.OrderBy(p => p.JurisdictionCode, StringComparer.Ordinal).Select(p => p.JurisdictionCode + ":" + p.Sha256)));
}
