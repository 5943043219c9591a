namespace CovidEntry.App.Components.Account;

/// <summary>Configuration section <c>Identity</c>: how sign-in, sessions and two-factor are guarded.</summary>
public sealed class IdentitySettings
{
    public const string Section = "Identity";

    public LockoutSettings Lockout { get; set; } = new();

    public SignInRateLimitSettings SignInRateLimit { get; set; } = new();

    public SessionSettings Session { get; set; } = new();

    /// <summary>Shift leads and admins must set up an authenticator app before they can use anything else.</summary>
    public bool RequireTwoFactorForStaff { get; set; }

    public static IdentitySettings Read(IConfiguration configuration)
    {
        var settings = configuration.GetSection(Section).Get<IdentitySettings>() ?? new IdentitySettings();
        settings.Validate();
        return settings;
    }

    /// <summary>A setting that would switch a protection off by accident stops the app at start, with the setting's name.</summary>
    public void Validate()
    {
        Require(Lockout.MaxFailedAttempts >= 1, "Identity:Lockout:MaxFailedAttempts must be at least 1.");
        Require(Lockout.Minutes > 0, "Identity:Lockout:Minutes must be more than 0.");
        Require(SignInRateLimit.PermitsPerMinute >= 1, "Identity:SignInRateLimit:PermitsPerMinute must be at least 1.");
        Require(Session.IdleMinutes > 0, "Identity:Session:IdleMinutes must be more than 0.");
        Require(Session.AbsoluteHours > 0, "Identity:Session:AbsoluteHours must be more than 0.");
        Require(Session.RevalidateSeconds > 0, "Identity:Session:RevalidateSeconds must be more than 0.");

        static void Require(bool condition, string message)
        {
            if (!condition)
            {
                throw new InvalidOperationException(message);
            }
        }
    }
}

public sealed class LockoutSettings
{
    public int MaxFailedAttempts { get; set; } = 5;

    public double Minutes { get; set; } = 15;
}

public sealed class SignInRateLimitSettings
{
    /// <summary>Account form posts (sign-in, two-factor codes, password changes) one client address may make per minute.</summary>
    public int PermitsPerMinute { get; set; } = 10;
}

public sealed class SessionSettings
{
    /// <summary>A sign-in nobody uses for this long ends (the cookie's sliding expiry, and the open pages' circuits).</summary>
    public double IdleMinutes { get; set; } = 30;

    /// <summary>A sign-in ends this long after it was made, however active it is.</summary>
    public double AbsoluteHours { get; set; } = 12;

    /// <summary>
    /// How often a sign-in is checked against the database (security stamp, roles, session limits),
    /// both for requests and for open interactive pages: a disabled person or a role change takes
    /// effect everywhere within this time.
    /// </summary>
    public double RevalidateSeconds { get; set; } = 60;

    public TimeSpan Idle => TimeSpan.FromMinutes(IdleMinutes);

    public TimeSpan Absolute => TimeSpan.FromHours(AbsoluteHours);

    public TimeSpan Revalidate => TimeSpan.FromSeconds(RevalidateSeconds);
}
