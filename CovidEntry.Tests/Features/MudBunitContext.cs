using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace CovidEntry.Tests.Features;

/// <summary>The shared base of component tests: MudBlazor's services and a loose JS runtime.</summary>
public abstract class MudBunitContext : BunitContext
{
    protected MudBunitContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }
}
