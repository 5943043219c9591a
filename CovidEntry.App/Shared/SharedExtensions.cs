namespace CovidEntry.App.Shared;

public static class SharedExtensions
{
    public static void AddShared(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<CurrentUser>();
        builder.Services.AddScoped<UserDirectory>();
        builder.Services.AddScoped<BrowserTimeZone>();
        builder.Services.AddCascadingValue(services => services.GetRequiredService<BrowserTimeZone>().Source);
        builder.Services.AddSingleton(TimeProvider.System);
    }
}
