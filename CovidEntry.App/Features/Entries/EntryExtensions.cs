namespace CovidEntry.App.Features.Entries;

public static class EntryExtensions
{
    public static void AddEntry(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<EntryService>();
        builder.Services.AddScoped<DraftService>();
        builder.Services.AddScoped<QueueService>();
        builder.Services.AddSingleton<QueueSignal>();
        builder.Services.AddOptions<ClaimSettings>().Bind(builder.Configuration.GetSection("Claims"))
            .Validate(c => c.IdleMinutes > 0 && c.ListRefreshSeconds > 0, "Claims:IdleMinutes and Claims:ListRefreshSeconds must be above 0.")
            .ValidateOnStart();
        builder.Services.AddSingleton<EntryFormValidator>();
    }
}
