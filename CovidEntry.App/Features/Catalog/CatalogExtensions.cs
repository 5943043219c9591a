namespace CovidEntry.App.Features.Catalog;

public static class CatalogExtensions
{
    public static void AddCatalog(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<MetricCatalogService>();
        builder.Services.AddScoped<MetricFormValidator>();
    }
}
