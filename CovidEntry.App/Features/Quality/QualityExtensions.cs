using CovidEntry.Domain.Quality;

namespace CovidEntry.App.Features.Quality;

public static class QualityExtensions
{
    public static void AddQuality(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<QcSettings>(builder.Configuration.GetSection("Quality"));
        builder.Services.AddScoped<QualityService>();
        builder.Services.AddScoped<MutedWarningService>();
        builder.Services.AddSingleton<MutedWarningFormValidator>();
    }
}
