using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using CovidEntry.App.Data;

namespace CovidEntry.App.Components.Account;

// Rechecks the sign-in of an open interactive page (a circuit), which makes no HTTP requests and so
// never passes the cookie's checks: when its session is signed out, an admin disables the person or
// changes their roles (the security stamp changes), or the session passes its absolute limit, the
// page loses its sign-in and sends the person to the login page. A session ended on this instance
// ends its pages at once (SessionSignals); otherwise within Identity:Session:RevalidateSeconds.
internal sealed class IdentityRevalidatingAuthenticationStateProvider : RevalidatingServerAuthenticationStateProvider
{
    private readonly IServiceScopeFactory _scopeFactory;
    private readonly IOptions<IdentityOptions> _options;
    private readonly IOptions<IdentitySettings> _settings;
    private readonly TimeProvider _clock;
    private readonly SessionSignals _signals;

    // The state this provider was given, if any: a provider made for a plain request (no page) has none.
    private Task<AuthenticationState>? _state;

    public IdentityRevalidatingAuthenticationStateProvider(
        ILoggerFactory loggerFactory,
        IServiceScopeFactory scopeFactory,
        IOptions<IdentityOptions> options,
        IOptions<IdentitySettings> settings,
        TimeProvider clock,
        SessionSignals signals)
        : base(loggerFactory)
    {
        _scopeFactory = scopeFactory;
        _options = options;
        _settings = settings;
        _clock = clock;
        _signals = signals;
        AuthenticationStateChanged += state => _state = state;
        _signals.SessionEnded += OnSessionEnded;
    }

    protected override TimeSpan RevalidationInterval => _settings.Value.Session.Revalidate;

    protected override async Task<bool> ValidateAuthenticationStateAsync(
        AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        if (SessionLifetime.IsExpired(SessionLifetime.SignedInAt(authenticationState.User), _clock.GetUtcNow(), _settings.Value.Session.Absolute))
        {
            return false;
        }

        // Get the user manager from a new scope to ensure it fetches fresh data
        await using var scope = _scopeFactory.CreateAsyncScope();
        if (!await scope.ServiceProvider.GetRequiredService<SignInSessionStore>().IsAliveAsync(authenticationState.User, cancellationToken))
        {
            return false;
        }

        var userManager = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return await ValidateSecurityStampAsync(userManager, authenticationState.User);
    }

    protected override void Dispose(bool disposing)
    {
        _signals.SessionEnded -= OnSessionEnded;
        base.Dispose(disposing);
    }

    private void OnSessionEnded(SessionEnd end)
    {
        if (_state is not { IsCompletedSuccessfully: true } current)
        {
            return;
        }

        var user = current.Result.User;
        var mine = (end.SessionHash is { } hash && user.FindFirstValue(SignInSessionStore.SessionClaim) == hash)
            || (end.UserId is { } userId && user.FindFirstValue(ClaimTypes.NameIdentifier) == userId);
        if (mine)
        {
            SetAuthenticationState(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity()))));
        }
    }

    private async Task<bool> ValidateSecurityStampAsync(UserManager<ApplicationUser> userManager, ClaimsPrincipal principal)
    {
        var user = await userManager.GetUserAsync(principal);
        if (user is null)
        {
            return false;
        }
        else if (!userManager.SupportsUserSecurityStamp)
        {
            return true;
        }
        else
        {
            var principalStamp = principal.FindFirstValue(_options.Value.ClaimsIdentity.SecurityStampClaimType);
            var userStamp = await userManager.GetSecurityStampAsync(user);
            return principalStamp == userStamp;
        }
    }
}
