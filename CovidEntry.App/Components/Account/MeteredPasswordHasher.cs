using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using CovidEntry.App.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace CovidEntry.App.Components.Account;

/// <summary>
/// Identity's password hasher, counting each password it checks (<see cref="VerificationsInstrument"/>,
/// the CPU that sign-ins cost), and able to check a password against a stand-in hash: a sign-in for
/// an account that does not exist, or cannot sign in, costs exactly as much as one that does.
/// </summary>
public sealed class MeteredPasswordHasher : IPasswordHasher<ApplicationUser>
{
    public const string VerificationsInstrument = "covidentry.signin.password_verifications";

    private readonly PasswordHasher<ApplicationUser> _inner;
    private readonly Counter<long> _verifications;
    private readonly string _standIn;

    public MeteredPasswordHasher(IOptions<PasswordHasherOptions> options, IMeterFactory meters)
    {
        _inner = new PasswordHasher<ApplicationUser>(options);
        _verifications = meters.Create(Features.Diagnostics.Telemetry.Name).CreateCounter<long>(
            VerificationsInstrument, "{verification}", "Passwords checked against a hash (sign-ins and password changes, stand-in hashes included).");

        // Made with the same algorithm and work factor as every real hash; nobody knows its password.
        // Made here, once, not on the first unknown account's sign-in, which would then take longer.
        _standIn = _inner.HashPassword(new ApplicationUser(), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
    }

    public string HashPassword(ApplicationUser user, string password) => _inner.HashPassword(user, password);

    public PasswordVerificationResult VerifyHashedPassword(ApplicationUser user, string hashedPassword, string providedPassword)
    {
        _verifications.Add(1);
        return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
    }

    /// <summary>Spends the work of checking a password, for an attempt whose answer is "no" whatever the password.</summary>
    public void VerifyStandIn(string? providedPassword) =>
        VerifyHashedPassword(new ApplicationUser(), _standIn, providedPassword ?? "");
}
