using System.Globalization;

namespace CovidEntry.App.Components.Account;

/// <summary>
/// What the sign-in pages say when a sign-in does not happen. One sentence per step, whatever the
/// reason (no such account, no password yet, disabled, wrong secret): the answer tells an outsider
/// nothing about the account.
/// </summary>
public static class SignInAnswers
{
    public const string WrongPassword =
        "Error: That email and password do not match an account that can sign in. Check them and try again, or ask an admin of your project.";

    public const string WrongAuthenticatorCode = "Error: That authenticator code is not right. Check your app and try again.";

    public const string WrongRecoveryCode = "Error: That recovery code is not right, or it was already used.";

    /// <summary>A throttled attempt answers 429 with Retry-After; the page still shows the sentence.</summary>
    public static void Throttled(HttpContext context, SignInRefusal refusal)
    {
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = refusal.Seconds.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers.CacheControl = "no-store";
    }
}
