namespace CovidEntry.App.Features.Entry;

public static class EntryExtensions
{
    public static void AddEntry(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<EntryService>();
        builder.Services.AddScoped<DraftService>();
        builder.Services.AddSingleton<EntryFormValidator>();
        builder.Services.AddSingleton<MetricInputValidator>();
    }
}
