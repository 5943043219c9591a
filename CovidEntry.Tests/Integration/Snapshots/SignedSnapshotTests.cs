using System.Security.Cryptography;
using AngleSharp.Html.Parser;
using CovidEntry.App.Features.Snapshots;
using CovidEntry.Domain.Snapshots;
using Microsoft.Extensions.DependencyInjection;

namespace CovidEntry.Tests.Integration;

/// <summary>
/// One published snapshot, downloaded from the running app by running the very commands its /data
/// page shows, in a folder each test copies before it plays an attacker on it.
/// </summary>
public sealed class SignedSnapshotFixture : IAsyncLifetime
{
    private readonly TestDatabase _database = new();

    public InProcessApp App { get; private set; } = null!;

    public Guid SnapshotId { get; private set; }

    public string Temp { get; } = Directory.CreateTempSubdirectory("covidentry-signed-snapshot-").FullName;

    /// <summary>The folder the page's commands downloaded the snapshot into.</summary>
    public string Downloaded { get; private set; } = "";

    /// <summary>The public key as /data/public-key.pem serves it, saved outside the folder: the key a careful person trusts.</summary>
    public string PublishedKeyFile => Path.Combine(Temp, "published-public-key.pem");

    public string DataPageHtml { get; private set; } = "";

    public string CommandsOutput { get; private set; } = "";

    public int CommandsExitCode { get; private set; }

    public SnapshotSigningKeys Keys => App.Services.GetRequiredService<SnapshotSigningKeys>();

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        await _database.ImportCtpAsync(File.ReadAllText(CtpSample.HistoryFile));
        var made = await _database.Get<SnapshotService>().MakeAsync(SnapshotService.Scheduled, null);
        Assert.Equal(SnapshotState.Published, made.State);
        SnapshotId = made.SnapshotId!.Value;

        App = await InProcessApp.StartAsync(_database.ConnectionString);
        using var visitor = App.NewClient();
        DataPageHtml = await visitor.GetStringAsync("/data");
        await File.WriteAllBytesAsync(PublishedKeyFile, await visitor.GetByteArrayAsync("/data/public-key.pem"));

        (CommandsExitCode, CommandsOutput) = await Shell.RunAsync(Temp, CommandsOnPage(DataPageHtml));
        Downloaded = Directory.GetDirectories(Temp).Single();
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await _database.DisposeAsync();
        Directory.Delete(Temp, recursive: true);
    }

    /// <summary>The commands of every step on the page, in order, exactly as shown.</summary>
    public static string CommandsOnPage(string html)
    {
        var page = new HtmlParser().ParseDocument(html);
        var steps = page.QuerySelectorAll("#verify-commands pre[data-step]").Select(p => p.TextContent).ToList();
        Assert.Equal(4, steps.Count);
        return string.Join('\n', steps);
    }

    /// <summary>A copy of the downloaded folder for a test to change.</summary>
    public string Copy(string name)
    {
        var copy = Path.Combine(Temp, "copies", name);
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(Downloaded))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return copy;
    }
}

/// <summary>
/// Anyone can verify a download (docs/decisions/028): a snapshot fetched through the real endpoints
/// verifies with the openssl and sha256sum commands /data shows and with verify-snapshot, and every
/// change to the folder fails with a sentence naming what changed.
/// </summary>
public class SignedSnapshotTests(SignedSnapshotFixture fixture) : IClassFixture<SignedSnapshotFixture>
{
    private static readonly string[] DataFiles =
    [
        "states-daily.csv", "states-daily.json", "us-daily.csv", "us-daily.json", "states-info.csv", "states-info.json",
        "states-daily.parquet", "us-daily.parquet", "states-info.parquet", "datapackage.json",
    ];
    private static readonly string[] Listed = [.. DataFiles, SnapshotManifest.ChangelogFile, SnapshotManifest.ManifestFile];

    [Fact]
    public async Task ASnapshotDownloadedWithTheDataPagesCommandsVerifiesWithOpensslSha256sumAndVerifySnapshot()
    {
        var fingerprint = fixture.Keys.Current.Fingerprint;

        Assert.True(fixture.CommandsExitCode == 0, fixture.CommandsOutput);
        Assert.Contains("Verified OK", fixture.CommandsOutput);
        Assert.Contains($"{fingerprint}  -", fixture.CommandsOutput);
        Assert.All(Listed, name => Assert.Contains($"{name}: OK", fixture.CommandsOutput));
        Assert.Equal(Listed.Concat([SnapshotManifest.ChecksumsFile, SnapshotManifest.SignatureFile, SnapshotManifest.PublicKeyFile]).Order(StringComparer.Ordinal),
            Directory.GetFiles(fixture.Downloaded).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal));

        var trusted = SnapshotFolderVerifier.Verify(fixture.Downloaded, fixture.PublishedKeyFile);
        var fromFolder = SnapshotFolderVerifier.Verify(fixture.Downloaded, null);

        Assert.True(trusted.Verified, string.Join("\n", trusted.Problems));
        Assert.Equal((fixture.SnapshotId.ToString(), fingerprint, false), (trusted.SnapshotId, trusted.TrustedKey!.Fingerprint, trusted.KeyFromFolder));
        Assert.Equal(Listed.Order(StringComparer.Ordinal), trusted.Matched.Order(StringComparer.Ordinal));
        Assert.Contains(trusted.Notes, n => n.StartsWith($"Trusting the public key you gave, {fixture.PublishedKeyFile}", StringComparison.Ordinal));
        Assert.True(fromFolder.Verified, string.Join("\n", fromFolder.Problems));
        Assert.True(fromFolder.KeyFromFolder);
        Assert.Contains(fromFolder.Notes, n => n.StartsWith("Warning: a key taken from the same folder proves only that the files are whole", StringComparison.Ordinal));

        // As ./run.sh runs it: the built app, with no database, no cluster and no keys of its own.
        var (exitCode, output) = await AppCommand.RunAsync(
            new Dictionary<string, string> { ["Database__PrivateCluster"] = "false", ["COVIDENTRY_DATA_DIR"] = Path.Combine(fixture.Temp, "no-data-folder") },
            VerifySnapshotCommand.Verb, fixture.Downloaded, "--public-key", fixture.PublishedKeyFile);
        Assert.True(exitCode == 0, output);
        Assert.Contains($"Snapshot {fixture.SnapshotId} verified: the signature over SHA256SUMS holds under the key with fingerprint {fingerprint}, and all 12 files it lists match", output);
        Assert.False(Directory.Exists(Path.Combine(fixture.Temp, "no-data-folder")));
    }

    [Fact]
    public async Task TheDataPageShowsThePublicKeyItsFingerprintAndTheCommandsButNeverThePrivateKey()
    {
        var page = new HtmlParser().ParseDocument(fixture.DataPageHtml);
        var privateKey = await File.ReadAllTextAsync(TestKeys.SnapshotSigningKeyFile);
        var privateBody = string.Concat(privateKey.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)));
        using var visitor = fixture.App.NewClient();
        var snapshotPage = await visitor.GetStringAsync($"/data/snapshots/{fixture.SnapshotId}");
        var (_, opensslFingerprint) = await Shell.RunAsync(fixture.Temp, $"openssl pkey -pubin -in '{fixture.PublishedKeyFile}' -outform DER | sha256sum | cut -c1-64");

        Assert.Equal(opensslFingerprint.Trim(), page.QuerySelector("#signing-key-fingerprint")!.TextContent);
        Assert.Equal(await File.ReadAllTextAsync(fixture.PublishedKeyFile), page.QuerySelector("#signing-key-pem")!.TextContent);
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(fixture.Downloaded, "public-key.pem")), await File.ReadAllTextAsync(fixture.PublishedKeyFile));
        Assert.Contains($"base={fixture.App.Address}data/snapshots/{fixture.SnapshotId}", SignedSnapshotFixture.CommandsOnPage(fixture.DataPageHtml));
        Assert.Equal(SignedSnapshotFixture.CommandsOnPage(fixture.DataPageHtml), SignedSnapshotFixture.CommandsOnPage(snapshotPage));
        foreach (var served in new[] { fixture.DataPageHtml, snapshotPage, await File.ReadAllTextAsync(fixture.PublishedKeyFile) })
        {
            Assert.DoesNotContain("PRIVATE KEY", served);
            Assert.DoesNotContain(privateBody[..40], served);
        }
    }

    [Fact]
    public async Task TheReadmeShowsTheCommandsTheDataPageShowsForAnyDeploymentsAddress()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "README.md"));
        var commands = SignedSnapshotFixture.CommandsOnPage(fixture.DataPageHtml).Split('\n');

        Assert.Contains("base=https://covidentry.example.org/data/snapshots/ID\n", readme);
        foreach (var line in commands.Where(l => !l.StartsWith("base=", StringComparison.Ordinal) && !l.StartsWith("mkdir ", StringComparison.Ordinal)))
        {
            Assert.Contains(line, readme);
        }
    }

    [Fact]
    public async Task OneChangedByteInAnyFileOrTheManifestFailsAndNamesThatFile()
    {
        foreach (var name in Listed)
        {
            var folder = fixture.Copy($"changed-{name}");
            FlipAByte(Path.Combine(folder, name));

            var result = SnapshotFolderVerifier.Verify(folder, fixture.PublishedKeyFile);
            var (sha256sum, output) = await Shell.RunAsync(folder, "sha256sum -c SHA256SUMS");

            Assert.False(result.Verified, name);
            Assert.Contains(result.Problems, p => p.StartsWith($"{name}: its SHA-256 is ", StringComparison.Ordinal)
                && p.EndsWith("the file was changed after the snapshot was signed, or its download broke off.", StringComparison.Ordinal));
            Assert.DoesNotContain(name, result.Matched);
            Assert.NotEqual(0, sha256sum);
            Assert.Contains($"{name}: FAILED", output);
        }

        foreach (var name in new[] { SnapshotManifest.ChecksumsFile, SnapshotManifest.SignatureFile })
        {
            var folder = fixture.Copy($"changed-{name}");
            FlipAByte(Path.Combine(folder, name));

            var result = SnapshotFolderVerifier.Verify(folder, fixture.PublishedKeyFile);
            var (openssl, output) = await Shell.RunAsync(folder, "openssl dgst -sha256 -verify public-key.pem -signature SHA256SUMS.sig SHA256SUMS");

            Assert.False(result.Verified, name);
            Assert.Contains($"SHA256SUMS.sig: the signature does not match SHA256SUMS under the key with fingerprint {fixture.Keys.Current.Fingerprint}: "
                + "SHA256SUMS was changed after it was signed, or another key signed it.", result.Problems);
            Assert.NotEqual(0, openssl);
            Assert.DoesNotContain("Verified OK", output);
        }
    }

    [Fact]
    public void AMissingFileAnExtraFileAFolderWithoutItsSignatureAndALinkOutOfTheFolderEachFailWithASentence()
    {
        var missing = fixture.Copy("missing");
        File.Delete(Path.Combine(missing, "us-daily.json"));
        var extra = fixture.Copy("extra");
        File.WriteAllText(Path.Combine(extra, "states-daily-corrected.csv"), "\"date\",\"state\"\n");
        Directory.CreateDirectory(Path.Combine(extra, "more"));
        var unsigned = fixture.Copy("unsigned");
        File.Delete(Path.Combine(unsigned, "SHA256SUMS"));
        File.Delete(Path.Combine(unsigned, "SHA256SUMS.sig"));
        var noSignature = fixture.Copy("no-signature");
        File.Delete(Path.Combine(noSignature, "SHA256SUMS.sig"));
        var linked = fixture.Copy("linked");
        var outside = Path.Combine(fixture.Temp, "copies", "us-daily.csv");
        File.Copy(Path.Combine(linked, "us-daily.csv"), outside, overwrite: true);
        File.Delete(Path.Combine(linked, "us-daily.csv"));
        File.CreateSymbolicLink(Path.Combine(linked, "us-daily.csv"), outside);

        Assert.Equal(["us-daily.json is listed in SHA256SUMS but is not in the folder."], Problems(missing));
        Assert.Equal(
        [
            "more is in the folder but not in SHA256SUMS, so nothing vouches for it: move it out (verify-snapshot accepts a folder holding exactly one snapshot).",
            "states-daily-corrected.csv is in the folder but not in SHA256SUMS, so nothing vouches for it: move it out (verify-snapshot accepts a folder holding exactly one snapshot).",
        ], Problems(extra));
        Assert.Equal(["The folder has no SHA256SUMS: the snapshot is unsigned (made before CovidEntry signed its snapshots; its manifest.json lists each file's SHA-256) "
            + "or its download is not complete."], Problems(unsigned));
        Assert.Equal(["The folder has no SHA256SUMS.sig: without it nothing shows who made SHA256SUMS; download it beside it."], Problems(noSignature));
        Assert.Equal([$"us-daily.csv is a symbolic link (to {outside}), which a downloaded snapshot never has: it is not followed."], Problems(linked));
    }

    [Fact]
    public async Task ASwappedPublicKeyIsCaughtByTheKeyFromTheDataPageAndShownByItsFingerprint()
    {
        // The attacker changes a number, lists the new hash, signs the list with a key of their own
        // and puts its public key in the folder, all with standard tools.
        var folder = fixture.Copy("swapped-key");
        var csv = Path.Combine(folder, "states-daily.csv");
        var original = File.ReadAllText(csv);
        File.WriteAllText(csv, original.Replace("\"2020-11-14\",\"NY\",", "\"2020-11-14\",\"NY\",1", StringComparison.Ordinal));
        Assert.NotEqual(original, File.ReadAllText(csv));
        var (signed, signing) = await Shell.RunAsync(folder, """
            sed -i "s/^[0-9a-f]*  states-daily.csv$/$(sha256sum states-daily.csv | cut -c1-64)  states-daily.csv/" SHA256SUMS
            openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ../attacker.key
            openssl pkey -in ../attacker.key -pubout -out public-key.pem
            openssl dgst -sha256 -sign ../attacker.key -out SHA256SUMS.sig SHA256SUMS
            """);
        Assert.True(signed == 0, signing);

        var fromFolder = SnapshotFolderVerifier.Verify(folder, null);
        var trusted = SnapshotFolderVerifier.Verify(folder, fixture.PublishedKeyFile);
        var (openssl, output) = await Shell.RunAsync(folder, $"openssl dgst -sha256 -verify '{fixture.PublishedKeyFile}' -signature SHA256SUMS.sig SHA256SUMS");
        var (_, fingerprint) = await Shell.RunAsync(folder, SnapshotVerifyCommands.For("unused", "unused")[2].Commands);

        // With the key from the folder the files are only whole: the fingerprint and the warning say it is not this site's.
        Assert.NotEqual(fixture.Keys.Current.Fingerprint, fromFolder.TrustedKey!.Fingerprint);
        Assert.Contains(fromFolder.Notes, n => n.StartsWith("Warning: a key taken from the same folder proves only", StringComparison.Ordinal));
        Assert.StartsWith(fromFolder.TrustedKey.Fingerprint, fingerprint);
        Assert.DoesNotContain(fixture.Keys.Current.Fingerprint, fingerprint);
        Assert.Contains($"manifest.json names the signing key {fixture.Keys.Current.Fingerprint}, but the key that signed SHA256SUMS is {fromFolder.TrustedKey.Fingerprint}.",
            fromFolder.Problems);

        // With the key published on /data the forgery fails.
        Assert.False(trusted.Verified);
        Assert.Contains(trusted.Notes, n => n == $"The folder's public-key.pem is another key (fingerprint {fromFolder.TrustedKey.Fingerprint}); it is ignored.");
        Assert.Contains(trusted.Problems, p => p.StartsWith("SHA256SUMS.sig: the signature does not match SHA256SUMS under the key with fingerprint", StringComparison.Ordinal));
        Assert.NotEqual(0, openssl);
        Assert.Contains("Verification failure", output);
    }

    [Fact]
    public async Task AForgedListOrManifestNamingPathsOutsideTheFolderIsRefusedAndNothingThereIsRead()
    {
        var folder = fixture.Copy("forged-paths");
        var secret = Path.Combine(fixture.Temp, "copies", "secret.txt");
        File.WriteAllText(secret, "not part of any snapshot");
        var manifestPath = Path.Combine(folder, "manifest.json");
        var manifest = File.ReadAllText(manifestPath);
        File.WriteAllText(manifestPath, manifest.Replace("\"files\": [", "\"files\": [\n    { \"name\": \"../secret.txt\", \"content_type\": \"text/plain\", \"size\": 24, \"rows\": 0, \"sha256\": \""
            + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(secret))) + "\" },", StringComparison.Ordinal));
        var (signed, signing) = await Shell.RunAsync(folder, """
            sed -i "s/^[0-9a-f]*  manifest.json$/$(sha256sum manifest.json | cut -c1-64)  manifest.json/" SHA256SUMS
            echo "$(sha256sum ../secret.txt | cut -c1-64)  ../secret.txt" >> SHA256SUMS
            echo "$(sha256sum ../secret.txt | cut -c1-64)  $(dirname "$PWD")/secret.txt" >> SHA256SUMS
            openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ../forger.key
            openssl pkey -in ../forger.key -pubout -out public-key.pem
            openssl dgst -sha256 -sign ../forger.key -out SHA256SUMS.sig SHA256SUMS
            """);
        Assert.True(signed == 0, signing);

        // Even with the forger's key from the folder, which makes the signature hold.
        var result = SnapshotFolderVerifier.Verify(folder, null);

        Assert.False(result.Verified);
        Assert.Equal(
        [
            "SHA256SUMS line 13 names \"../secret.txt\", which is not a file name in the snapshot's folder (a path, or a name no snapshot has): refused, and nothing outside the folder is read.",
            $"SHA256SUMS line 14 names \"{secret}\", which is not a file name in the snapshot's folder (a path, or a name no snapshot has): refused, and nothing outside the folder is read.",
            "manifest.json lists a file named \"../secret.txt\", which is not a file name in the snapshot's folder: refused.",
            $"manifest.json names the signing key {fixture.Keys.Current.Fingerprint}, but the key that signed SHA256SUMS is {result.TrustedKey!.Fingerprint}.",
        ], result.Problems);
        Assert.Equal(Listed.Order(StringComparer.Ordinal), result.Matched.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TheCommandExitsOneNamingEachProblemAndTwoWhenItCannotStart()
    {
        var changed = fixture.Copy("command-changed");
        FlipAByte(Path.Combine(changed, "us-daily.csv"));
        var notAKey = Path.Combine(fixture.Temp, "copies", "not-a-key.pem");
        File.WriteAllText(notAKey, "hello");

        (int ExitCode, string Output, string Errors) Run(params string[] arguments)
        {
            using var output = new StringWriter();
            using var errors = new StringWriter();
            var exitCode = VerifySnapshotCommand.Run(arguments, output, errors);
            return (exitCode, output.ToString(), errors.ToString());
        }

        var good = Run(fixture.Downloaded + "/", "--public-key=" + fixture.PublishedKeyFile);
        var bad = Run(changed, "--public-key", fixture.PublishedKeyFile);
        var noFolder = Run();
        var noSuchFolder = Run(Path.Combine(fixture.Temp, "nowhere"));
        var unreadableKey = Run(fixture.Downloaded, "--public-key", notAKey);

        Assert.Equal(0, good.ExitCode);
        Assert.Contains($"Snapshot {fixture.SnapshotId} verified", good.Output);
        Assert.Equal(1, bad.ExitCode);
        Assert.StartsWith("us-daily.csv: its SHA-256 is ", bad.Errors);
        Assert.EndsWith($"Snapshot NOT verified: 1 problem(s) in {changed}. Do not rely on these files as CovidEntry's.\n", bad.Errors);
        Assert.Equal((2, "Usage: ./run.sh verify-snapshot FOLDER [--public-key FILE]"), (noFolder.ExitCode, noFolder.Errors[..58]));
        Assert.Equal((2, $"{fixture.Temp}/nowhere: no such folder."), (noSuchFolder.ExitCode, noSuchFolder.Errors[..(fixture.Temp.Length + 25)]));
        Assert.Equal((2, $"The public key {notAKey}: it is not an ECDSA P-256 public key in PEM (a file that starts with -----BEGIN PUBLIC KEY-----).\n"),
            (unreadableKey.ExitCode, unreadableKey.Errors));
    }

    private static void FlipAByte(string path)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(path, bytes);
    }

    private IReadOnlyList<string> Problems(string folder) => SnapshotFolderVerifier.Verify(folder, fixture.PublishedKeyFile).Problems;
}
