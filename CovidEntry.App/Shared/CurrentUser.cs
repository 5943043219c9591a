using System.Security.Claims;
using CovidEntry.Domain.People;
using Microsoft.AspNetCore.Components.Authorization;

namespace CovidEntry.App.Shared;

/// <summary>Who is signed in on this circuit, read from the authentication state.</summary>
public sealed class CurrentUser(AuthenticationStateProvider authenticationStateProvider)
{
    public async Task<SignedInUser> GetAsync()
    {
        var state = await authenticationStateProvider.GetAuthenticationStateAsync();
        var principal = state.User;
        var id = principal.FindFirstValue(ClaimTypes.NameIdentifier)
            ?? throw new InvalidOperationException("No user is signed in on this circuit.");
        return new SignedInUser(id, principal.Identity?.Name ?? id, principal.IsInRole(Roles.ShiftLead) || principal.IsInRole(Roles.Admin), principal.IsInRole(Roles.Admin));
    }
}

public sealed record SignedInUser(string Id, string Name, bool IsLead, bool IsAdmin);
