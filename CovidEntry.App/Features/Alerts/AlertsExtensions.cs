namespace CovidEntry.App.Features.Alerts;

public static class AlertsExtensions
{
    public static void AddAlerts(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<AlertSettings>(builder.Configuration.GetSection("Alerts"));
        builder.Services.AddHttpClient(WebhookSender.HttpClientName);
        builder.Services.AddSingleton<WebhookSender>();
        builder.Services.AddHostedService(services => services.GetRequiredService<WebhookSender>());
        builder.Services.AddSingleton<AlertQueue>();
        builder.Services.AddScoped<StalenessService>();
        builder.Services.AddHostedService<StalenessMonitor>();
    }
}
