namespace CovidEntry.App.Features.Imports;

public static class ImportsExtensions
{
    public static void AddImports(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<CtpImportService>();
        builder.Services.AddSingleton<ImportRunner>();
    }
}
