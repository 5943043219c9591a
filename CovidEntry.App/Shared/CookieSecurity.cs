using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.CookiePolicy;

namespace CovidEntry.App.Shared;

/// <summary>
/// Every cookie the app sets is <c>Secure</c> outside Development, whatever the request looked like
/// (behind a proxy that ends TLS the app may see plain HTTP). Browsers keep Secure cookies for
/// http://localhost and http://127.0.0.1 too, so a local production-mode run still works. In
/// Development a cookie is Secure when its request was.
/// </summary>
public static class CookieSecurity
{
    public static void AddCookieSecurity(this WebApplicationBuilder builder)
    {
        var policy = builder.Environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        builder.Services.AddSingleton(new SecureCookies(policy));

        // Sign-in, two-factor, "remember this machine" and external cookies alike.
        builder.Services.ConfigureAll<CookieAuthenticationOptions>(options => options.Cookie.SecurePolicy = policy);

        // And every other cookie, present or future (the cookie policy rewrites each one as it is
        // set): the antiforgery cookie among them, whose own Always setting would refuse to make
        // tokens at all over plain HTTP, even on loopback.
        builder.Services.Configure<CookiePolicyOptions>(options => options.Secure = policy);
    }

    public static IApplicationBuilder UseCookieSecurity(this IApplicationBuilder app) => app.UseCookiePolicy();

    /// <summary>Whether a cookie set now, by hand, must be Secure.</summary>
    public static bool Secure(HttpContext context) =>
        context.Request.IsHttps || context.RequestServices?.GetService<SecureCookies>()?.Policy == CookieSecurePolicy.Always;

    public sealed record SecureCookies(CookieSecurePolicy Policy);
}
