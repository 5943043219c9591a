using System.Globalization;
using System.Text;
using CovidEntry.App.Data;
using CovidEntry.Domain.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace CovidEntry.App.Features.Audit;

/// <summary>
/// The audit trail's key, kept outside the database like the sign-in keys' (docs/decisions/030):
/// every event is sealed with it as the app writes it, and every link of the chain is a keyed hash,
/// so neither a forged event nor a re-linked chain can be made without it. Earlier keys stay
/// (<c>Audit:PreviousKeyFiles</c>) to check what they sealed; new seals use the current one.
/// </summary>
public sealed class AuditKeys(KeyRingKeys files)
{
    public const string Section = "Audit";
    public const string DefaultFileName = "audit.key";

    public string CurrentId => files.Current.Fingerprint;

    public byte[] CurrentKey => files.Current.Key;

    /// <summary>The key a seal or link names, or null when the app does not have it.</summary>
    public byte[]? Find(string? keyId) => keyId is null ? null : files.Find(keyId)?.Key;

    public void Seal(AuditEvent e) => e.SealWith(CurrentId, CurrentKey);

    /// <summary>Whether <paramref name="e"/> carries a seal one of the app's keys made over exactly its fields.</summary>
    public bool IsSealed(AuditEvent e) =>
        Find(AuditChain.KeyIdOf(e.Seal)) is { } key && AuditChain.SealOf(AuditChain.KeyIdOf(e.Seal)!, key, e) == e.Seal;

    /// <summary>The keys of the app whose context this is (every context the app makes has its services).</summary>
    public static AuditKeys Of(DbContext db) =>
        db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider?.GetService<AuditKeys>()
        ?? throw new InvalidOperationException("This DbContext was not made by the app, so it cannot seal audit events.");
}

/// <summary>A head of the chain as it was sealed: how many links, the newest event, its hash and key.</summary>
public sealed record AuditHead(DateTime AtUtc, long Position, long EventId, string Hash, string KeyId, string Source);

/// <summary>
/// The chain's heads, appended to a file outside the database each time links are sealed
/// (<c>Audit:HeadLog</c>; <c>audit-heads.log</c> in the data folder for the private cluster). Someone
/// holding the database cannot reach it, so a chain cut short or re-linked no longer contains the
/// heads written here, and <see cref="AuditVerifier"/> says so. One line a head; several app
/// instances may append to one file (each line is one small append).
/// </summary>
public sealed class AuditHeadLog(string path, ILogger<AuditHeadLog> logger)
{
    public const string Setting = "Audit:HeadLog";
    public const string DefaultFileName = "audit-heads.log";

    private readonly Lock _gate = new();

    public string Path { get; } = path;

    public void Append(AuditHead head)
    {
        var line = string.Join(' ',
            head.AtUtc.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            head.Position.ToString(CultureInfo.InvariantCulture), head.EventId.ToString(CultureInfo.InvariantCulture), head.Hash, head.KeyId) + "\n";
        try
        {
            lock (_gate)
            {
                using var file = new FileStream(Path, new FileStreamOptions
                {
                    Mode = FileMode.Append,
                    Access = FileAccess.Write,
                    Share = FileShare.ReadWrite,
                    UnixCreateMode = PrivateFiles.OwnerOnly,
                });
                file.Write(Encoding.UTF8.GetBytes(line));
            }
        }
        catch (IOException ex)
        {
            // The chain itself is whole; only this anchor is missing. Say so loudly, do not stop linking.
            logger.LogError(ex, "Could not append the audit chain's head (link {Position}) to {HeadLog}", head.Position, Path);
        }
        catch (UnauthorizedAccessException ex)
        {
            logger.LogError(ex, "Could not append the audit chain's head (link {Position}) to {HeadLog}", head.Position, Path);
        }
    }

    /// <summary>Every head written so far; lines that are not heads are skipped and counted.</summary>
    public (IReadOnlyList<AuditHead> Heads, int Unreadable) Read()
    {
        if (!File.Exists(Path))
        {
            return ([], 0);
        }

        var heads = new List<AuditHead>();
        var unreadable = 0;
        foreach (var line in File.ReadLines(Path))
        {
            var parts = line.Split(' ');
            if (parts.Length == 5
                && DateTime.TryParseExact(parts[0], "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at)
                && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var position)
                && long.TryParse(parts[2], CultureInfo.InvariantCulture, out var eventId)
                && parts[3].Length == AuditLink.HashLength)
            {
                heads.Add(new AuditHead(at, position, eventId, parts[3], parts[4], $"{System.IO.Path.GetFileName(Path)} line {heads.Count + unreadable + 1}"));
            }
            else if (line.Length > 0)
            {
                unreadable++;
            }
        }

        return (heads, unreadable);
    }
}
