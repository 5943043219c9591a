namespace CovidEntry.App.Components.Account;

/// <summary>Configuration section <c>Identity</c>: how sign-in, sessions and two-factor are guarded.</summary>
public sealed class IdentitySettings
{
    public const string Section = "Identity";

    public SignInThrottleSettings SignInThrottle { get; set; } = new();

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
        Require(SignInThrottle.FreeFailures >= 1, "Identity:SignInThrottle:FreeFailures must be at least 1.");
        Require(SignInThrottle.FirstDelaySeconds > 0, "Identity:SignInThrottle:FirstDelaySeconds must be more than 0.");
        Require(SignInThrottle.MaxDelayMinutes * 60 >= SignInThrottle.FirstDelaySeconds,
            "Identity:SignInThrottle:MaxDelayMinutes must be at least Identity:SignInThrottle:FirstDelaySeconds.");
        Require(SignInThrottle.FailureMemoryHours * 60 >= SignInThrottle.MaxDelayMinutes,
            "Identity:SignInThrottle:FailureMemoryHours must be at least Identity:SignInThrottle:MaxDelayMinutes.");
        Require(SignInThrottle.AddressFailures >= 1, "Identity:SignInThrottle:AddressFailures must be at least 1.");
        Require(SignInThrottle.AddressWindowMinutes > 0, "Identity:SignInThrottle:AddressWindowMinutes must be more than 0.");
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

/// <summary>How failed sign-ins are slowed down (<see cref="SignInThrottle"/>, docs/decisions/024).</summary>
public sealed class SignInThrottleSettings
{
    /// <summary>Failures an account (or one known browser of it) may make before it has to wait.</summary>
    public int FreeFailures { get; set; } = 5;

    /// <summary>The wait after the first failure past the free ones; it doubles with each further failure.</summary>
    public double FirstDelaySeconds { get; set; } = 15;

    /// <summary>The longest wait between two tries on one account.</summary>
    public double MaxDelayMinutes { get; set; } = 15;

    /// <summary>How long an account's failures are remembered (a correct sign-in forgets its own browser's and network's at once).</summary>
    public double FailureMemoryHours { get; set; } = 24;

    /// <summary>Failed sign-ins one network address (IPv4 address, IPv6 /64) may make in the window, over all accounts.</summary>
    public int AddressFailures { get; set; } = 20;

    public double AddressWindowMinutes { get; set; } = 15;

    public TimeSpan MaxDelay => TimeSpan.FromMinutes(MaxDelayMinutes);

    public TimeSpan FailureMemory => TimeSpan.FromHours(FailureMemoryHours);

    public TimeSpan AddressWindow => TimeSpan.FromMinutes(AddressWindowMinutes);
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
