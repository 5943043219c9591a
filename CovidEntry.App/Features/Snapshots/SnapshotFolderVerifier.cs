using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace CovidEntry.App.Features.Snapshots;

/// <summary>
/// What checking a downloaded snapshot found: which key it trusted and why (notes), every problem
/// (each a sentence naming its file), and the files that matched.
/// </summary>
public sealed record SnapshotFolderVerification(
    string? SnapshotId, SnapshotPublicKey? TrustedKey, bool KeyFromFolder, IReadOnlyList<string> Notes, IReadOnlyList<string> Problems, IReadOnlyList<string> Matched)
{
    public bool Verified => Problems.Count == 0;
}

/// <summary>
/// Checks a folder holding a downloaded snapshot, offline, as the documented openssl and sha256sum
/// commands do and a little stricter (docs/decisions/028): the signature over SHA256SUMS under the
/// key the person trusts, every file it lists, manifest.json against it, and nothing else in the
/// folder. It reads only regular files directly in the folder whose names are plain file names:
/// never a path a forged list names, and never through a symbolic link.
/// </summary>
public static partial class SnapshotFolderVerifier
{
    private const int MaxListBytes = 1 << 20;
    private const int MaxManifestBytes = 16 << 20;
    private const int MaxKeyBytes = 64 << 10;

    public static SnapshotFolderVerification Verify(string folder, string? publicKeyFile)
    {
        folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        var notes = new List<string>();
        var problems = new List<string>();
        var matched = new List<string>();

        var list = Read(folder, SnapshotManifest.ChecksumsFile, MaxListBytes, problems, missing:
            $"The folder has no {SnapshotManifest.ChecksumsFile}: the snapshot is unsigned (made before CovidEntry signed its snapshots; its manifest.json "
            + "lists each file's SHA-256) or its download is not complete.");
        if (list is null)
        {
            // Without the list there is nothing to check the files or a key against.
            return new SnapshotFolderVerification(null, null, false, notes, problems, matched);
        }

        var (key, fromFolder) = TrustedKey(folder, publicKeyFile, notes, problems);
        var signature = Read(folder, SnapshotManifest.SignatureFile, MaxListBytes, problems, missing:
            $"The folder has no {SnapshotManifest.SignatureFile}: without it nothing shows who made {SnapshotManifest.ChecksumsFile}; download it beside it.");
        var signatureHolds = false;
        if (key is not null && signature is not null)
        {
            signatureHolds = key.Verifies(list, signature);
            if (!signatureHolds)
            {
                problems.Add($"{SnapshotManifest.SignatureFile}: the signature does not match {SnapshotManifest.ChecksumsFile} under the key with fingerprint {key.Fingerprint}: "
                    + $"{SnapshotManifest.ChecksumsFile} was changed after it was signed, or another key signed it.");
            }
        }

        var listed = Listed(list, problems);
        foreach (var (name, expected) in listed)
        {
            if (Sha256Of(folder, name, problems) is not { } actual)
            {
                continue;
            }

            if (actual == expected)
            {
                matched.Add(name);
            }
            else
            {
                problems.Add($"{name}: its SHA-256 is {actual}, but {SnapshotManifest.ChecksumsFile} says {expected}: the file was changed after the snapshot was signed, "
                    + "or its download broke off.");
            }
        }

        string? snapshotId = null;
        if (!listed.ContainsKey(SnapshotManifest.ManifestFile))
        {
            problems.Add($"{SnapshotManifest.ChecksumsFile} does not list {SnapshotManifest.ManifestFile}, which a CovidEntry snapshot's list always does.");
        }
        else if (matched.Contains(SnapshotManifest.ManifestFile))
        {
            snapshotId = CheckManifest(folder, listed, matched, signatureHolds ? key : null, problems);
        }

        // A folder that verifies holds exactly the signed files: nothing else can borrow their trust.
        var expectedHere = new HashSet<string>(listed.Keys, StringComparer.Ordinal)
        {
            SnapshotManifest.ChecksumsFile, SnapshotManifest.SignatureFile, SnapshotManifest.PublicKeyFile,
        };
        foreach (var extra in Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName).Where(n => !expectedHere.Contains(n!)).Order(StringComparer.Ordinal))
        {
            problems.Add($"{extra} is in the folder but not in {SnapshotManifest.ChecksumsFile}, so nothing vouches for it: move it out "
                + "(verify-snapshot accepts a folder holding exactly one snapshot).");
        }

        return new SnapshotFolderVerification(snapshotId, key, fromFolder, notes, problems, matched);
    }

    /// <summary>The key given with --public-key, else the one that came with the download (which proves integrity only, and the notes say so).</summary>
    private static (SnapshotPublicKey? Key, bool FromFolder) TrustedKey(string folder, string? publicKeyFile, List<string> notes, List<string> problems)
    {
        var folderKeyBytes = File.Exists(Path.Combine(folder, SnapshotManifest.PublicKeyFile))
            ? Read(folder, SnapshotManifest.PublicKeyFile, MaxKeyBytes, problems)
            : null;
        SnapshotPublicKey? folderKey = null;
        if (folderKeyBytes is not null)
        {
            try
            {
                folderKey = SnapshotPublicKey.FromPem(Encoding.ASCII.GetString(folderKeyBytes));
            }
            catch (FormatException ex)
            {
                problems.Add($"{SnapshotManifest.PublicKeyFile} in the folder: {ex.Message}");
            }
        }

        if (publicKeyFile is not null)
        {
            var given = ReadPublicKeyFile(publicKeyFile);
            notes.Add($"Trusting the public key you gave, {Path.GetFullPath(publicKeyFile)} (fingerprint {given.Fingerprint}).");
            if (folderKey is not null && folderKey.Fingerprint != given.Fingerprint)
            {
                notes.Add($"The folder's {SnapshotManifest.PublicKeyFile} is another key (fingerprint {folderKey.Fingerprint}); it is ignored.");
            }

            return (given, false);
        }

        if (folderKey is null)
        {
            if (folderKeyBytes is null && !problems.Any(p => p.StartsWith(SnapshotManifest.PublicKeyFile, StringComparison.Ordinal)))
            {
                problems.Add($"There is no public key to check the signature with: the folder has no {SnapshotManifest.PublicKeyFile} and no --public-key FILE was given. "
                    + "Download public-key.pem from the /data page of the CovidEntry you trust and give it with --public-key.");
            }

            return (null, false);
        }

        notes.Add($"Trusting the public key that came with the download, {Path.Combine(folder, SnapshotManifest.PublicKeyFile)} (fingerprint {folderKey.Fingerprint}).");
        notes.Add("Warning: a key taken from the same folder proves only that the files are whole and were signed together, not who signed them. "
            + "To prove they come from the CovidEntry you trust, compare this fingerprint with the one on its /data page and in its README, "
            + "or run again with --public-key and the public-key.pem downloaded from its /data page.");
        return (folderKey, true);
    }

    /// <summary>Reads the key file the person named (anywhere: it is theirs to choose); a <see cref="FormatException"/> with a sentence otherwise.</summary>
    public static SnapshotPublicKey ReadPublicKeyFile(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FormatException($"{full}: no such file.");
        }

        try
        {
            if (new FileInfo(full).Length > MaxKeyBytes)
            {
                throw new FormatException("it is too large to be a public key.");
            }

            return SnapshotPublicKey.FromPem(File.ReadAllText(full));
        }
        catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"{full}: {ex.Message}", ex);
        }
    }

    /// <summary>The names and hashes <c>SHA256SUMS</c> lists; a line that is not <c>HASH  NAME</c> with a plain file name is a problem, and never read.</summary>
    private static Dictionary<string, string> Listed(byte[] list, List<string> problems)
    {
        var listed = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = Encoding.UTF8.GetString(list).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0 && i == lines.Length - 1)
            {
                break;
            }

            var match = ChecksumLine().Match(line);
            if (!match.Success)
            {
                problems.Add($"{SnapshotManifest.ChecksumsFile} line {i + 1} is not a SHA-256 followed by two spaces and a file name: {Shown(line)}.");
                continue;
            }

            var name = match.Groups[2].Value;
            if (!SnapshotManifest.IsPlainFileName(name))
            {
                problems.Add($"{SnapshotManifest.ChecksumsFile} line {i + 1} names {Shown(name)}, which is not a file name in the snapshot's folder "
                    + "(a path, or a name no snapshot has): refused, and nothing outside the folder is read.");
            }
            else if (!listed.TryAdd(name, match.Groups[1].Value))
            {
                problems.Add($"{SnapshotManifest.ChecksumsFile} line {i + 1} lists {name} a second time.");
            }
        }

        return listed;
    }

    /// <summary>Checks manifest.json (already matched to the list) against the list; returns the snapshot's id.</summary>
    private static string? CheckManifest(string folder, Dictionary<string, string> listed, List<string> matched, SnapshotPublicKey? signedBy, List<string> problems)
    {
        if (Read(folder, SnapshotManifest.ManifestFile, MaxManifestBytes, problems) is not { } bytes)
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(bytes);
            var root = json.RootElement;
            var inManifest = new HashSet<string>(StringComparer.Ordinal);
            foreach (var file in root.GetProperty("files").EnumerateArray())
            {
                var name = file.GetProperty("name").GetString() ?? "";
                if (!SnapshotManifest.IsPlainFileName(name))
                {
                    problems.Add($"{SnapshotManifest.ManifestFile} lists a file named {Shown(name)}, which is not a file name in the snapshot's folder: refused.");
                    continue;
                }

                inManifest.Add(name);
                var sha = file.GetProperty("sha256").GetString();
                if (!listed.TryGetValue(name, out var inList))
                {
                    problems.Add($"{SnapshotManifest.ManifestFile} lists {name}, which {SnapshotManifest.ChecksumsFile} does not.");
                }
                else if (inList != sha)
                {
                    problems.Add($"{SnapshotManifest.ManifestFile} says {name} has SHA-256 {sha}, but {SnapshotManifest.ChecksumsFile} says {inList}.");
                }
                else if (matched.Contains(name) && new FileInfo(Path.Combine(folder, name)).Length is var length && length != file.GetProperty("size").GetInt64())
                {
                    problems.Add($"{SnapshotManifest.ManifestFile} says {name} is {file.GetProperty("size").GetInt64()} bytes; the file is {length}.");
                }
            }

            foreach (var name in listed.Keys.Where(n => n is not (SnapshotManifest.ManifestFile or SnapshotManifest.ChangelogFile) && !inManifest.Contains(n)))
            {
                problems.Add($"{SnapshotManifest.ChecksumsFile} lists {name}, which {SnapshotManifest.ManifestFile} does not.");
            }

            if (signedBy is not null && root.TryGetProperty("signature", out var signature)
                && signature.GetProperty("key_sha256").GetString() is { } named && named != signedBy.Fingerprint)
            {
                problems.Add($"{SnapshotManifest.ManifestFile} names the signing key {named}, but the key that signed {SnapshotManifest.ChecksumsFile} is {signedBy.Fingerprint}.");
            }

            return root.TryGetProperty("snapshot", out var id) ? id.GetString() : null;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            problems.Add($"{SnapshotManifest.ManifestFile} is not a CovidEntry manifest: {ex.Message}");
            return null;
        }
    }

    /// <summary>The SHA-256 of a file directly in the folder, streamed; null (and a problem) when it cannot be read as one.</summary>
    private static string? Sha256Of(string folder, string name, List<string> problems)
    {
        if (Open(folder, name, problems) is not { } stream)
        {
            return null;
        }

        using (stream)
        {
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        }
    }

    private static byte[]? Read(string folder, string name, int maxBytes, List<string> problems, string? missing = null)
    {
        if (Open(folder, name, problems, missing) is not { } stream)
        {
            return null;
        }

        using (stream)
        {
            if (stream.Length > maxBytes)
            {
                problems.Add($"{name} is {stream.Length:#,0} bytes, too large to be a snapshot's {name}.");
                return null;
            }

            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            return bytes;
        }
    }

    /// <summary>Opens a regular file directly in the folder: never a symbolic link, a folder or anything a name could lead outside to.</summary>
    private static FileStream? Open(string folder, string name, List<string> problems, string? missing = null)
    {
        var path = Path.Combine(folder, name);
        if (!SnapshotManifest.IsPlainFileName(name) || Path.GetDirectoryName(Path.GetFullPath(path)) != folder)
        {
            problems.Add($"{Shown(name)} is not a file name in the snapshot's folder: refused.");
            return null;
        }

        var file = new FileInfo(path);
        if (file.LinkTarget is not null)
        {
            problems.Add($"{name} is a symbolic link (to {file.LinkTarget}), which a downloaded snapshot never has: it is not followed.");
            return null;
        }

        if (Directory.Exists(path))
        {
            problems.Add($"{name} is a folder, not the file {SnapshotManifest.ChecksumsFile} lists.");
            return null;
        }

        if (!file.Exists)
        {
            problems.Add(missing ?? $"{name} is listed in {SnapshotManifest.ChecksumsFile} but is not in the folder.");
            return null;
        }

        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problems.Add($"{name} cannot be read: {ex.Message}");
            return null;
        }
    }

    /// <summary>A name as it was found, quoted, with anything unprintable escaped and its length bounded.</summary>
    private static string Shown(string text)
    {
        var clean = new string(text.Take(120).Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return $"\"{clean}{(text.Length > 120 ? "…" : "")}\"";
    }

    [GeneratedRegex("^([0-9a-f]{64}) [ *](.+)$")]
    private static partial Regex ChecksumLine();
}

/// <summary>
/// <c>./run.sh verify-snapshot FOLDER [--public-key FILE]</c>: checks a downloaded snapshot with
/// nothing but the folder and a public key, without a database; exits 0 when it verifies, 1 naming
/// each problem, 2 when it cannot start (no folder, an unreadable key).
/// </summary>
public static class VerifySnapshotCommand
{
    public const string Verb = "verify-snapshot";

    private const string Usage = $"Usage: ./run.sh {Verb} FOLDER [--public-key FILE]   (a folder holding one downloaded snapshot: SHA256SUMS, SHA256SUMS.sig and the files it lists)";

    public static int Run(IReadOnlyList<string> arguments, TextWriter output, TextWriter error)
    {
        string? folder = null;
        string? publicKey = null;
        for (var i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            if (argument == "--public-key" && i + 1 < arguments.Count)
            {
                publicKey = arguments[++i];
            }
            else if (argument.StartsWith("--public-key=", StringComparison.Ordinal))
            {
                publicKey = argument["--public-key=".Length..];
            }
            else if (folder is null && !argument.StartsWith("--", StringComparison.Ordinal))
            {
                folder = argument;
            }
            else
            {
                error.WriteLine(Usage);
                return 2;
            }
        }

        if (folder is null)
        {
            error.WriteLine(Usage);
            return 2;
        }

        folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        if (!Directory.Exists(folder))
        {
            error.WriteLine($"{folder}: no such folder. {Usage}");
            return 2;
        }

        SnapshotFolderVerification result;
        try
        {
            result = SnapshotFolderVerifier.Verify(folder, publicKey);
        }
        catch (FormatException ex)
        {
            // Only the key the person gave can stop the check before it starts.
            error.WriteLine($"The public key {ex.Message}");
            return 2;
        }

        foreach (var note in result.Notes)
        {
            output.WriteLine(note);
        }

        if (!result.Verified)
        {
            foreach (var problem in result.Problems)
            {
                error.WriteLine(problem);
            }

            error.WriteLine($"Snapshot NOT verified: {result.Problems.Count} problem(s) in {folder}. Do not rely on these files as CovidEntry's.");
            return 1;
        }

        output.WriteLine($"Snapshot {result.SnapshotId} verified: the signature over {SnapshotManifest.ChecksumsFile} holds under the key with fingerprint "
            + $"{result.TrustedKey!.Fingerprint}, and all {result.Matched.Count} files it lists match: {string.Join(", ", result.Matched)}.");
        if (result.KeyFromFolder)
        {
            output.WriteLine("Integrity only: the key came with the download (see the warning above).");
        }

        return 0;
    }
}
