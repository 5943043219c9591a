using CovidEntry.App.Data;
using CovidEntry.App.Features.Snapshots;
using Microsoft.Extensions.Configuration;

namespace CovidEntry.Tests.Integration;

/// <summary>
/// The snapshot signing key lives outside the database like the app's other keys: made for the
/// private cluster, required with a configured database, readable by openssl, and earlier public
/// keys kept after a rotation (docs/decisions/028).
/// </summary>
public sealed class SnapshotSigningKeyTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("covidentry-signing-key-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task ThePrivateClusterGetsAKeyOfItsOwnThatOnlyTheAppCanReadAndOpensslReads()
    {
        using var made = SnapshotSigningKeys.FromSettings(Settings(), generateIn: _folder);
        using var again = SnapshotSigningKeys.FromSettings(Settings(), generateIn: _folder);
        var file = Path.Combine(_folder, SnapshotSigningKeys.DefaultFileName);

        var (exitCode, publicPem) = await Shell.RunAsync(_folder, $"openssl pkey -in '{file}' -pubout");

        Assert.Equal(PrivateFiles.OwnerOnly, File.GetUnixFileMode(file));
        Assert.Equal(made.Current.Fingerprint, again.Current.Fingerprint);
        Assert.True(exitCode == 0, publicPem);
        Assert.Equal(made.Current.Pem, publicPem);
    }

    [Fact]
    public async Task WithADatabaseConfiguredTheKeyMustBeGivenAndTheRefusalSaysHowToMakeOneThatWorks()
    {
        var refused = Assert.Throws<CannotStartException>(() => SnapshotSigningKeys.FromSettings(Settings(), generateIn: null));
        var command = refused.Message.Split("make one with: ")[1].Split(';')[0];
        var (made, output) = await Shell.RunAsync(_folder, command + " && chmod 600 covidentry-snapshot-signing.key");
        using var keys = SnapshotSigningKeys.FromSettings(Settings((SnapshotSigningKeys.KeyFileSetting, Path.Combine(_folder, "covidentry-snapshot-signing.key"))), generateIn: null);

        Assert.StartsWith("No key for signing snapshots is configured: set Snapshots__SigningKeyFile to a PEM file holding an ECDSA P-256 private key", refused.Message);
        Assert.True(made == 0, output);
        Assert.Equal(64, keys.Current.Fingerprint.Length);
    }

    [Fact]
    public async Task AKeyThatIsNotAP256PrivateKeyOrIsMissingStopsTheAppWithASentence()
    {
        var (made, output) = await Shell.RunAsync(_folder, """
            openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out p384.key
            openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out p256.key
            openssl pkey -in p256.key -pubout -out p256.pub
            """);
        Assert.True(made == 0, output);

        string Refusal(string file) => Assert.Throws<CannotStartException>(() =>
            SnapshotSigningKeys.FromSettings(Settings((SnapshotSigningKeys.KeyFileSetting, Path.Combine(_folder, file))), generateIn: null)).Message;

        Assert.Equal($"The snapshot signing key {_folder}/p384.key must hold an ECDSA P-256 private key in PEM (openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256).", Refusal("p384.key"));
        Assert.Equal($"The snapshot signing key {_folder}/p256.pub must hold an ECDSA P-256 private key in PEM (openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256).", Refusal("p256.pub"));
        Assert.StartsWith($"The snapshot signing key {_folder}/gone.key does not exist", Refusal("gone.key"));
    }

    [Fact]
    public async Task AfterARotationTheEarlierPublicKeyIsStillPublishedAndFoundByItsFingerprint()
    {
        var (made, output) = await Shell.RunAsync(_folder, """
            openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out old.key
            openssl pkey -in old.key -pubout -out old.pub
            openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out new.key
            """);
        Assert.True(made == 0, output);
        using var old = SnapshotSigningKeys.FromSettings(Settings((SnapshotSigningKeys.KeyFileSetting, Path.Combine(_folder, "old.key"))), generateIn: null);

        using var rotated = SnapshotSigningKeys.FromSettings(Settings(
            (SnapshotSigningKeys.KeyFileSetting, Path.Combine(_folder, "new.key")),
            (SnapshotSigningKeys.PreviousKeysSetting + ":0", Path.Combine(_folder, "old.pub"))), generateIn: null);
        var signedBefore = old.Sign("SHA256SUMS of an old snapshot"u8.ToArray());

        Assert.NotEqual(old.Current.Fingerprint, rotated.Current.Fingerprint);
        Assert.Equal([rotated.Current.Fingerprint, old.Current.Fingerprint], rotated.All.Select(k => k.Fingerprint));
        Assert.True(rotated.Find(old.Current.Fingerprint)!.Verifies("SHA256SUMS of an old snapshot"u8.ToArray(), signedBefore));
        Assert.False(rotated.Current.Verifies("SHA256SUMS of an old snapshot"u8.ToArray(), signedBefore));
    }

    private static IConfiguration Settings(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();
}
