using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using CovidEntry.App.Features.Diagnostics;
using CovidEntry.App.Features.Publish;
using CovidEntry.Tests.Browser;

namespace CovidEntry.Tests.Operations;

/// <summary>Traces, metrics and JSON logs: publish and snapshot durations measured, OTLP export, ids in every log line.</summary>
public class TelemetryTests : LoopTest
{
    // Listeners hear every publish in the process, and other test classes publish in parallel:
    // only what this test's own flow records counts.
    private static readonly AsyncLocal<bool> Ours = new();

    [Fact]
    public async Task APublishIsTracedAndItsDurationMeasured()
    {
        var durations = new List<(double Seconds, object? Kind)>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == Telemetry.Name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "covidentry.publish.duration" && Ours.Value)
            {
                lock (durations)
                {
                    durations.Add((value, tags.ToArray().SingleOrDefault(t => t.Key == "covidentry.batch_kind").Value));
                }
            }
        });
        meters.Start();
        var activities = new List<Activity>();
        using var traces = new ActivityListener
        {
            ShouldListenTo = source => source.Name == Telemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (Ours.Value)
                {
                    lock (activities) { activities.Add(activity); }
                }
            },
        };
        ActivitySource.AddActivityListener(traces);

        var shiftId = await Loop.VerifiedShiftInReviewAsync(Day, new Dictionary<string, string> { ["positive"] = "9" }, "NY");
        Ours.Value = true;
        await Database.Get<PublishService>().PublishShiftAsync(shiftId, Loop.Lead);
        Ours.Value = false;

        var (seconds, kind) = Assert.Single(durations);
        Assert.True(seconds > 0);
        Assert.Equal("Daily", kind);
        Assert.Contains(activities, a => a.OperationName == "publish batch" && a.GetTagItem("covidentry.batch_id") is Guid);
    }

    [Fact]
    public async Task TheRunningAppExportsOverOtlpAndLogsJsonLinesNamingTheRequest()
    {
        await using var collector = await LocalPages.StartAsync();
        collector.Route("/v1/traces", context => { context.Response.StatusCode = 200; return Task.CompletedTask; });
        collector.Route("/v1/metrics", context => { context.Response.StatusCode = 200; return Task.CompletedTask; });
        var connectionString = await TestCluster.CreateDatabaseAsync("otel");
        await using var app = await AppServer.StartAsync(connectionString, environment: new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.BaseUrl,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            ["Logging__Json"] = "true",
            ["Logging__LogLevel__Default"] = "Information",

            // The endpoint's own log lines ("Executing endpoint …") are written inside the request's scope.
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Information",
        });
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl + "/") };

        // The console logger writes from a queue of its own: wait for the lines as for the exports.
        static bool Correlated(string output) => output.Contains("\"CorrelationId\":\"request:", StringComparison.Ordinal);
        for (var tries = 0; tries < 300 && (collector.Requests("/v1/traces") == 0 || collector.Requests("/v1/metrics") == 0 || !Correlated(app.Output)); tries++)
        {
            // A request that reaches an endpoint (a public file held in memory is answered before them, with no log line of its own).
            (await http.GetAsync("healthz")).EnsureSuccessStatusCode();
            await Task.Delay(100);
        }

        Assert.True(collector.Requests("/v1/traces") > 0, "no traces arrived at the OTLP endpoint");
        Assert.True(collector.Requests("/v1/metrics") > 0, "no metrics arrived at the OTLP endpoint");

        // Each log line is a JSON object; those written during a request carry its correlation id.
        var lines = app.Output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith('{')).ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, line => JsonDocument.Parse(line).Dispose());
        Assert.Contains(lines, line => Correlated(line));
    }
}
