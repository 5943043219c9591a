using CovidEntry.App.Data;
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

        builder.Services.AddIdentityCore<ApplicationUser>(options =>
            {
                // Users are invited by an admin, who vouches for the address: no confirmation mail.
                options.SignIn.RequireConfirmedAccount = false;
                options.Stores.SchemaVersion = IdentitySchemaVersions.Version3;
                options.User.RequireUniqueEmail = true;

                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = settings.Lockout.MaxFailedAttempts;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(settings.Lockout.Minutes);

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

        // Idle timeout: the cookie slides while the person makes requests (open interactive pages
        // make some through session.js). A sign-in always writes a new cookie (a fresh ticket with
        // a new sign-in time); no server-side session store is used that could be fixated.
        builder.Services.AddScoped<SessionCookieEvents>();
        builder.Services.ConfigureApplicationCookie(options =>
        {
            options.ExpireTimeSpan = settings.Session.Idle;
            options.SlidingExpiration = true;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.EventsType = typeof(SessionCookieEvents);
        });

        // How soon a security-stamp change (disabled, roles changed, password changed) reaches
        // requests; open circuits are rechecked as often by IdentityRevalidatingAuthenticationStateProvider.
        builder.Services.Configure<SecurityStampValidatorOptions>(options => options.ValidationInterval = settings.Session.Revalidate);

        builder.Services.AddAccountRateLimiting(settings);
        builder.Services.AddSingleton<IEmailSender<ApplicationUser>, IdentityNoOpEmailSender>();
    }

    /// <summary>The request pipeline's part of account protection: rate limits on Account posts, then the staff two-factor rule.</summary>
    public static void UseAccountProtection(this WebApplication app)
    {
        app.UseRateLimiter();
        app.UseStaffTwoFactorRequirement();
    }
}
