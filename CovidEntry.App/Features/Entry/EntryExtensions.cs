namespace CovidEntry.App.Features.Entry;

public static class EntryExtensions
{
    public static void AddEntry(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<EntryService>();
        builder.Services.AddScoped<DraftService>();
        builder.Services.AddScoped<QueueService>();
        builder.Services.AddSingleton<QueueSignal>();
        builder.Services.Configure<ClaimSettings>(builder.Configuration.GetSection("Claims"));
        builder.Services.AddSingleton<EntryFormValidator>();
    }
}
