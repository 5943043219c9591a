namespace CovidEntry.App.Features.Screenshots;

public static class ScreenshotsExtensions
{
    public static void AddScreenshots(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<ScreenshotSettings>(builder.Configuration.GetSection(ScreenshotSettings.Section));
        builder.Services.AddSingleton<IHostResolver, DnsHostResolver>();
        builder.Services.AddSingleton<CaptureTargets>();
        builder.Services.AddSingleton<CaptureProxy>();
        builder.Services.AddSingleton<PageCapturer>();
        builder.Services.AddSingleton<ScreenshotStore>();
        builder.Services.AddSingleton<DecodeBudget>();
        builder.Services.AddSingleton<ImageDecoder>();
        builder.Services.AddSingleton<UploadRateLimit>();
        builder.Services.AddSingleton<CaptureService>();
        builder.Services.AddSingleton<CaptureWorker>();
        builder.Services.AddHostedService(services => services.GetRequiredService<CaptureWorker>());
        builder.Services.AddScoped<ScreenshotService>();
        builder.Services.AddScoped<CaptureDashboardService>();
    }
}
