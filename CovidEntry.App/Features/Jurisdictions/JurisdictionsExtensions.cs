namespace CovidEntry.App.Features.Jurisdictions;

public static class JurisdictionsExtensions
{
    public static void AddJurisdictions(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<JurisdictionService>();
    }
}
