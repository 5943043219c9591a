using CovidEntry.App.Data;
using CovidEntry.App.Shared;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;

namespace CovidEntry.App.Components.Account;

public static class IdentityExtensions
{
    public static void AddIdentity(this WebApplicationBuilder builder)
    {
        var settings = IdentitySettings.Read(builder.Configuration);
        builder.Services.Configure<IdentitySettings>(builder.Configuration.GetSection(IdentitySettings.Section));

        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddScoped<IdentityRedirectManager>();
        builder.Services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();

        builder.Services.AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        builder.Services.AddAuthorization();

        // Registered before Identity's own, which then leaves it in place.
        builder.Services.AddSingleton<MeteredPasswordHasher>();
        builder.Services.AddSingleton<IPasswordHasher<ApplicationUser>>(services => services.GetRequiredService<MeteredPasswordHasher>());

        builder.Services.AddIdentityCore<ApplicationUser>(options =>
            {
                // Users are invited by an admin, who vouches for the address: no confirmation mail.
                options.SignIn.RequireConfirmedAccount = false;
                options.Stores.SchemaVersion = IdentitySchemaVersions.Version3;
                options.User.RequireUniqueEmail = true;

                // Lockout means "disabled by an admin" (locked out until 9999) and nothing else:
                // wrong passwords and codes are slowed by SignInThrottle, which an outsider cannot
                // turn against the person. Identity still counts wrong authenticator codes, but
                // never reaches this many.
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = int.MaxValue;

                // Length over composition (OWASP ASVS 5.0): 12 to 128 characters, no character-class
                // rules; the maximum and the common-password list are PasswordPolicyValidator's.
                options.Password.RequiredLength = PasswordPolicyValidator.MinLength;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequiredUniqueChars = 1;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<CovidEntryDbContext>()
            .AddSignInManager<CovidEntry.App.Features.Audit.AuditingSignInManager>()
            .AddDefaultTokenProviders()
            .AddPasswordValidator<PasswordPolicyValidator>();
        builder.Services.AddSingleton<CommonPasswords>();
        builder.Services.AddSingleton<SignInDevices>();
        builder.Services.AddSingleton<SignInThrottle>();

        // Idle timeout: the cookie slides while the person makes requests (open interactive pages
        // make some through session.js). The session itself lives in PostgreSQL (SignInSessionStore),
        // so signing out ends it on the server; every sign-in makes a new session and drops the old.
        builder.Services.AddSingleton<SessionSignals>();
        builder.Services.AddSingleton<SignInSessionStore>();
        builder.Services.AddScoped<SessionCookieEvents>();
        builder.Services.ConfigureApplicationCookie(options =>
        {
            options.ExpireTimeSpan = settings.Session.Idle;
            options.SlidingExpiration = true;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.EventsType = typeof(SessionCookieEvents);
        });
        builder.Services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<SignInSessionStore>((options, store) => options.SessionStore = store);

        // How soon a security-stamp change (disabled, roles changed, password changed) reaches
        // requests; open circuits are rechecked as often by IdentityRevalidatingAuthenticationStateProvider.
        builder.Services.Configure<SecurityStampValidatorOptions>(options => options.ValidationInterval = settings.Session.Revalidate);

        builder.AddCookieSecurity();
        builder.Services.AddSingleton<IEmailSender<ApplicationUser>, IdentityNoOpEmailSender>();
    }

    /// <summary>
    /// The request pipeline's part of account protection: a refused antiforgery token answers 400
    /// with a sentence, then a password that must be changed, then the staff two-factor rule. Runs after UseAntiforgery.
    /// </summary>
    public static void UseAccountProtection(this WebApplication app)
    {
        app.UseAntiforgeryFailures();
        app.UsePasswordChangeRequirement();
        app.UseStaffTwoFactorRequirement();
    }
}
