namespace CovidEntry.App.Features.Snapshots;

/// <summary>One step of checking a download: what it does, in plain words, and the commands to type.</summary>
public sealed record VerifyStep(string Explanation, string Commands);

/// <summary>
/// The commands that download a snapshot into a folder and check it with standard tools (curl,
/// openssl, sha256sum), as /data shows them for a snapshot and the README shows them in general.
/// A test runs them exactly as the page shows them, so the words cannot drift from the code.
/// </summary>
public static class SnapshotVerifyCommands
{
    public static IReadOnlyList<VerifyStep> For(string snapshotUrl, string folderName) =>
    [
        new("Download the snapshot's checksum list, the signature over it and the public key into a new folder:",
            $"mkdir {folderName} && cd {folderName}\n"
            + $"base={snapshotUrl}\n"
            + $"curl -fsS --remote-name-all \"$base/{SnapshotManifest.ChecksumsFile}\" \"$base/{SnapshotManifest.SignatureFile}\" \"$base/{SnapshotManifest.PublicKeyFile}\""),
        new("Check the signature. openssl prints \"Verified OK\" when the list is exactly what the key's owner signed, and \"Verification failure\" otherwise:",
            $"openssl dgst -sha256 -verify {SnapshotManifest.PublicKeyFile} -signature {SnapshotManifest.SignatureFile} {SnapshotManifest.ChecksumsFile}"),
        new("Check that the key is this site's: the number printed must be the fingerprint shown under \"The key that signs snapshots\" on the "
            + "downloads page, or one of the earlier keys listed there for a snapshot signed before the key changed.",
            $"openssl pkey -pubin -in {SnapshotManifest.PublicKeyFile} -outform DER | sha256sum"),
        new("Download every file the list names, then check each against it. sha256sum prints \"OK\" after each name, and \"FAILED\" after a file that differs:",
            $"for f in $(cut -c67- {SnapshotManifest.ChecksumsFile}); do curl -fsS -O \"$base/$f\"; done\n"
            + $"sha256sum -c {SnapshotManifest.ChecksumsFile}"),
    ];
}
