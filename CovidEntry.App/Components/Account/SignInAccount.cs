using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CovidEntry.App.Components.Account;

/// <summary>
/// The account a sign-in attempt names, as the throttle and the audit trail keep it: never the text
/// typed, which is the attacker's choice when the account does not exist.
/// </summary>
public static class SignInAccount
{
    public const int KeyLength = 32;

    /// <summary>Longest domain kept in the audit trail's description of an unknown name.</summary>
    public const int DomainMaxLength = 64;

    /// <summary>
    /// SHA-256 of the name as Identity normalizes it (upper case), so every spelling that finds the
    /// same account counts against the same key, and an unknown name is counted like a known one.
    /// </summary>
    public static byte[] Key(string normalizedName) =>
        SHA256.HashData(Encoding.UTF8.GetBytes("covidentry:sign-in-account:" + normalizedName));

    /// <summary>How the audit trail names an account that does not exist: a short form of its key.</summary>
    public static string UnknownKey(byte[] key) => "unknown:" + Convert.ToHexStringLower(key, 0, 8);

    /// <summary>
    /// A neutralised, bounded description of a name typed for an account that does not exist, for the
    /// audit trail: the first character of the part before the @ (a letter or digit, else ?), and the
    /// domain with only letters, digits, dots and hyphens kept, at most <see cref="DomainMaxLength"/>
    /// characters. Enough to see that someone is trying addresses of one organisation; never markup,
    /// control characters, or a password someone typed into the wrong field.
    /// </summary>
    public static string Describe(string? typed)
    {
        typed ??= "";
        var at = typed.LastIndexOf('@');
        if (at < 0)
        {
            return $"(not an email address, {Math.Min(typed.Length, 10_000).ToString(CultureInfo.InvariantCulture)} characters)";
        }

        var first = at > 0 && char.IsAsciiLetterOrDigit(typed[0]) ? char.ToLowerInvariant(typed[0]) : '?';
        var domain = new StringBuilder();
        foreach (var c in typed.AsSpan(at + 1))
        {
            if (domain.Length == DomainMaxLength)
            {
                break;
            }

            if (char.IsAsciiLetterOrDigit(c) || c is '.' or '-')
            {
                domain.Append(char.ToLowerInvariant(c));
            }
        }

        return $"{first}…@{domain}";
    }
}
