using System.Security.Claims;
using Bunit;
using CovidEntry.App.Features.Entries;
using CovidEntry.App.Features.Quality;
using CovidEntry.App.Shared;
using CovidEntry.Domain.Quality;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor.Services;

namespace CovidEntry.Tests.Features;

/// <summary>The shared base of component tests: MudBlazor's services and a loose JS runtime.</summary>
public abstract class MudBunitContext : BunitContext
{
    protected MudBunitContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;

        // Pages here load from a real database; on a busy two-core CI machine that can take more than a second.
        DefaultWaitTimeout = TimeSpan.FromSeconds(15);
        Services.AddMudServices();
    }

    /// <summary>The real services the pass page needs, on a test database.</summary>
    protected void AddPassPageServices(TestDatabase database)
    {
        Services.AddSingleton(database.DbFactory);
        Services.AddSingleton(TimeProvider.System);
        Services.AddLogging();
        Services.AddSingleton<EntryFormValidator>();
        Services.AddSingleton<CovidEntry.App.Features.Access.ActingPerson>();
        Services.AddScoped<EntryService>();
        Services.AddScoped<UserDirectory>();
        Services.AddSingleton<QueueSignal>();
        Services.AddScoped<DraftService>();
        Services.AddScoped<QualityService>();
        Services.AddSingleton(Options.Create(new QcSettings()));
        Services.AddScoped<CurrentUser>();
        Services.AddSingleton(database.Services.GetRequiredService<CovidEntry.App.Features.Screenshots.ScreenshotStore>());
        Services.AddSingleton(database.Services.GetRequiredService<CovidEntry.App.Features.Screenshots.CaptureWorker>());
        Services.AddSingleton(database.Services.GetRequiredService<CovidEntry.App.Features.Screenshots.ImageDecoder>());
        Services.AddSingleton(database.Services.GetRequiredService<CovidEntry.App.Features.Screenshots.UploadRateLimit>());
        Services.AddScoped<CovidEntry.App.Features.Screenshots.ScreenshotService>();
    }

    protected void SignIn(string userId)
    {
        var auth = AddAuthorization();
        auth.SetAuthorized(userId);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, userId));
    }
}
