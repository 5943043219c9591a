namespace CovidEntry.App.Shared;

/// <summary>
/// The host names the app answers (<c>AllowedHosts</c>, read by ASP.NET Core's host filtering: any
/// other Host header gets 400). Links the app builds, its redirects and its Content-Security-Policy
/// use the Host of the request, so a request for a foreign name must not be answered. The default
/// is loopback only (run.sh); a deployment names its public host(s). Outside Development a
/// wildcard that lets every name through stops the app at start, naming the setting.
/// </summary>
public static class AllowedHosts
{
    public const string Setting = "AllowedHosts";

    public static void RequireAllowedHosts(this WebApplicationBuilder builder)
    {
        if (builder.Environment.IsDevelopment())
        {
            return;
        }

        var hosts = (builder.Configuration[Setting] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (hosts.Length == 0 || hosts.Contains("*"))
        {
            // A reason the operator can fix: Program prints the sentence alone and exits with 1.
            throw new Data.CannotStartException(
                $"{Setting} is \"{builder.Configuration[Setting]}\": outside Development the app answers only the host names it is given. "
                + "Set AllowedHosts (environment variable AllowedHosts) to the names people use to reach it, separated by semicolons, "
                + "e.g. covidentry.example.org;localhost.");
        }
    }
}
