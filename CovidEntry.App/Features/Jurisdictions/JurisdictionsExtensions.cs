namespace CovidEntry.App.Features.Jurisdictions;

public static class JurisdictionsExtensions
{
    public static void AddJurisdictions(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<JurisdictionService>();

        // A jurisdiction's sources: the pages it publishes on, and how each is captured.
        builder.Services.AddScoped<SourceService>();
        builder.Services.AddSingleton<SourceFormValidator>();
    }
}
