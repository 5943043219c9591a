using Scalar.AspNetCore;

namespace CovidEntry.App.Features.Exports;

/// <summary>The OpenAPI document of the public endpoints, and a Scalar page to read and try them.</summary>
public static class ApiDocs
{
    public const string DocumentPath = "/openapi/v1.json";
    public const string ReferencePath = "/api/docs";

    public static void AddApiDocs(this WebApplicationBuilder builder) =>
        builder.Services.AddOpenApi("v1", options =>
        {
            // Only the public surface: the app's own pages and account endpoints are not an API.
            options.ShouldInclude = description => description.RelativePath is { } path
                && (path.StartsWith("api/", StringComparison.Ordinal) || path.StartsWith("data/snapshots/", StringComparison.Ordinal)
                    || path == "data/public-key.pem"
                    || path.StartsWith("screenshots/", StringComparison.Ordinal));
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "CovidEntry public data";
                document.Info.Description = "Published COVID-19 data in the COVID Tracking Project's v1 formats. No sign-in. "
                    + "Add ?asOf=2020-12-15T00:00Z to a daily file for the history as it was published at that moment.";
                return Task.CompletedTask;
            });
        });

    public static void MapApiDocs(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        // A nonce per request for Scalar's inline start-up script (SecurityHeaders puts it in the
        // page's Content-Security-Policy); no fonts or telemetry from Scalar's servers, which that
        // policy would refuse anyway.
        app.MapScalarApiReference(ReferencePath, options => options
                .WithTitle("CovidEntry public data")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                .WithNonce()
                .DisableDefaultFonts()
                .DisableTelemetry())
            .AllowAnonymous();
    }
}
