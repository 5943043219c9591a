using System.Diagnostics;
using System.Diagnostics.Metrics;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CovidEntry.App.Features.Diagnostics;

/// <summary>
/// Logs as JSON lines (with the person and the request or circuit in every line's scope) when
/// <c>Logging:Json</c> is on, and OpenTelemetry traces and metrics over OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the exporter reads the standard OTEL_* settings).
/// </summary>
public static class Telemetry
{
    public const string Name = "CovidEntry";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    public static readonly Histogram<double> PublishDuration = Meter.CreateHistogram<double>(
        "covidentry.publish.duration", "s", "How long publishing a batch took (versions, latest table and audit, in one transaction).");

    public static readonly Histogram<double> SnapshotDuration = Meter.CreateHistogram<double>(
        "covidentry.snapshot.duration", "s", "How long making a snapshot took, files and checks included.");

    public static void AddTelemetry(this WebApplicationBuilder builder)
    {
        if (builder.Configuration.GetValue("Logging:Json", false))
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(options =>
            {
                options.IncludeScopes = true;
                options.UseUtcTimestamp = true;
                options.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z' ";
            });
        }

        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? "covidentry"))
            .WithTracing(tracing => tracing
                .AddSource(Name, "Microsoft.AspNetCore.Components", "Microsoft.AspNetCore.Components.Server.Circuits")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddOtlpExporter())
            .WithMetrics(metrics => metrics
                .AddMeter(Name, "Npgsql", "Microsoft.AspNetCore.Components", "Microsoft.AspNetCore.Components.Server.Circuits",
                    "Microsoft.AspNetCore.Components.Lifecycle")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddOtlpExporter());
    }
}
