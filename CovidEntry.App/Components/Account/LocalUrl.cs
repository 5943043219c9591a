namespace CovidEntry.App.Components.Account;

/// <summary>
/// Where to send someone after signing in or out: only ever a place in this app. A return address
/// arrives in a query string or a form field, so anyone can write one; any that is not plainly
/// local (another site, <c>//host</c>, <c>/\host</c>, <c>javascript:</c>, a control character, a
/// character outside printable ASCII, or an absolute address of another origin) becomes <c>/</c>.
/// </summary>
public static class LocalUrl
{
    public const int MaxLength = 2048;

    /// <summary>
    /// A path on this app (starting with a single <c>/</c>, with its query) for <paramref name="candidate"/>,
    /// which may be a local path, a path relative to the app's base, or an absolute address on the
    /// app's own origin <paramref name="baseUri"/>; anything else gives <c>/</c>.
    /// </summary>
    public static string Resolve(string? candidate, string baseUri)
    {
        if (string.IsNullOrEmpty(candidate) || candidate.Length > MaxLength)
        {
            return "/";
        }

        // Browsers read a backslash as a slash (/\host is //host) and drop tabs and newlines inside
        // URLs; a non-ASCII character cannot even go into the Location header.
        foreach (var c in candidate)
        {
            if (c is <= ' ' or > '~' or '\\')
            {
                return "/";
            }
        }

        var app = new Uri(baseUri, UriKind.Absolute);
        if (candidate[0] == '/')
        {
            // Resolved as the browser will, dot segments and all: /work/..//host must not become //host.
            return candidate.Length > 1 && candidate[1] == '/' ? "/"
                : Uri.TryCreate(app, candidate, out var path) && SameOrigin(path, app) ? Local(path.PathAndQuery + path.Fragment) : "/";
        }

        if (HasScheme(candidate))
        {
            return Uri.TryCreate(candidate, UriKind.Absolute, out var absolute)
                && (absolute.Scheme == Uri.UriSchemeHttp || absolute.Scheme == Uri.UriSchemeHttps)
                && SameOrigin(absolute, app)
                && string.IsNullOrEmpty(absolute.UserInfo)
                    ? Local(absolute.PathAndQuery + absolute.Fragment)
                    : "/";
        }

        // Relative to the app's base, as the Identity pages write their own links ("Account/Login").
        return Uri.TryCreate(app, candidate, out var resolved) && SameOrigin(resolved, app)
            ? Local(resolved.PathAndQuery + resolved.Fragment)
            : "/";
    }

    private static bool SameOrigin(Uri uri, Uri app) =>
        string.Equals(uri.GetLeftPart(UriPartial.Authority), app.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase);

    /// <summary>A path that a browser reads as this host's: one slash first, never two (//host is another site).</summary>
    private static string Local(string path) => path.StartsWith('/') && !path.StartsWith("//", StringComparison.Ordinal) ? path : "/";

    /// <summary>Whether the text starts with a URI scheme ("https:", "javascript:", "data:").</summary>
    private static bool HasScheme(string candidate)
    {
        var colon = candidate.IndexOf(':');
        if (colon <= 0)
        {
            return false;
        }

        var slash = candidate.IndexOfAny(['/', '?', '#']);
        return slash < 0 || colon < slash;
    }
}
