using CovidEntry.App.Data;
using Microsoft.AspNetCore.Identity;

namespace CovidEntry.App.Components.Account;

/// <summary>
/// OWASP ASVS 5.0 passwords: at most 128 characters and not on the list of common passwords. The
/// minimum of 12 characters is Identity's own rule (IdentityOptions.Password), and there are no
/// composition rules on purpose.
/// </summary>
public sealed class PasswordPolicyValidator(CommonPasswords commonPasswords) : IPasswordValidator<ApplicationUser>
{
    public const int MinLength = 12;
    public const int MaxLength = 128;

    public Task<IdentityResult> ValidateAsync(UserManager<ApplicationUser> manager, ApplicationUser user, string? password)
    {
        if (password is null)
        {
            // Identity's own validator reports a missing password.
            return Task.FromResult(IdentityResult.Success);
        }

        if (password.Length > MaxLength)
        {
            return Task.FromResult(IdentityResult.Failed(new IdentityError
            {
                Code = "PasswordTooLong",
                Description = $"A password can be at most {MaxLength} characters long.",
            }));
        }

        if (commonPasswords.Contains(password))
        {
            return Task.FromResult(IdentityResult.Failed(new IdentityError
            {
                Code = "PasswordTooCommon",
                Description = "This password is on a list of commonly used passwords, so it is easy to guess. Choose another one: a few unrelated words make a strong password.",
            }));
        }

        return Task.FromResult(IdentityResult.Success);
    }
}
