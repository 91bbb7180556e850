using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Worcr.Server.Hosting;
using Worcr.Server.Workers;

namespace Worcr.Server.Telemetry;

/// <summary>
/// OpenTelemetry for one node: its "Worcr.Server" meter, .NET runtime, ASP.NET Core and Npgsql metrics, scraped
/// at GET /metrics (Prometheus text); OTLP export of metrics and traces only when an endpoint is configured.
/// </summary>
internal static class TelemetrySetup
{
    /// <summary>The standard variable (or configuration key) that turns OTLP export on.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static void AddWorcrTelemetry(this WebApplicationBuilder builder, NodeOptions options)
    {
        var otlp = OtlpEnabled(options, builder.Configuration);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("worcr", serviceInstanceId: options.NodeId))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(NodeTelemetry.MeterName)
                    .AddRuntimeInstrumentation()
                    .AddAspNetCoreInstrumentation()
                    .AddNpgsqlInstrumentation()
                    .AddPrometheusExporter();
                ((IDeferredMeterProviderBuilder)metrics).Configure(
                    (services, configured) => configured.AddView(OnlyThisNode(services.GetRequiredService<IMeterFactory>())));
                if (otlp) metrics.AddOtlpExporter(exporter => UseOption(exporter, options));
            });
        // Spans are made only when something listens: with no OTLP endpoint there is no tracer provider at all.
        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(NodeActivities.SourceName)
                .AddAspNetCoreInstrumentation()
                .AddNpgsql()
                .AddOtlpExporter(exporter => UseOption(exporter, options)));
        }
    }

    /// <summary>The node's meter and metrics hooks, created from the app's IMeterFactory (so the view above can tell this node's meter from another's in the same process).</summary>
    public static NodeTelemetry CreateNodeTelemetry(this WebApplication app, NodeOptions options, Func<IEnumerable<WorkerSession>> sessions) =>
        new(app.Services.GetRequiredService<IMeterFactory>().Create(NodeTelemetry.MeterName), sessions, options.MetricLabelLimit);

    /// <summary>GET /metrics in the Prometheus text format.</summary>
    public static void MapWorcrMetrics(this WebApplication app) => app.MapPrometheusScrapingEndpoint("/metrics");

    /// <summary>OTLP is on when the Worcr option or the standard variable names an endpoint.</summary>
    private static bool OtlpEnabled(NodeOptions options, IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(options.OtlpEndpoint) || !string.IsNullOrWhiteSpace(configuration[OtlpEndpointVariable]);

    /// <summary>
    /// The Worcr option wins over the standard variable. Without it the exporter reads the OTEL_EXPORTER_OTLP_*
    /// variables itself (and, for http/protobuf, adds the per-signal path to the endpoint).
    /// </summary>
    private static void UseOption(OpenTelemetry.Exporter.OtlpExporterOptions exporter, NodeOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.OtlpEndpoint)) exporter.Endpoint = new Uri(options.OtlpEndpoint, UriKind.Absolute);
    }

    /// <summary>
    /// Series kept per metric stream of the runtime, ASP.NET Core, Kestrel and Npgsql. Their labels come from the node's
    /// own routes, status codes, pools and GC generations (a few hundred combinations at most), and the SDK allocates
    /// every stream's points up front: at its default of 2,000, their 45 streams took ~7 MB of the node's heap
    /// (bench/RESULTS.md, node resources round 3). Past the limit a stream reports the rest under
    /// <c>otel.metric.overflow</c>, so nothing is lost silently. Worcr's own streams keep the default (their type and
    /// tenant labels are bounded by <c>MetricLabelLimit</c>).
    /// </summary>
    internal const int FrameworkCardinalityLimit = 500;

    private static readonly MetricStreamConfiguration FrameworkStream = new() { CardinalityLimit = FrameworkCardinalityLimit };

    /// <summary>
    /// Meters made by another app's IMeterFactory (another node, or its ASP.NET Core, in the same process, as in
    /// tests) are dropped, so each node's /metrics shows its own figures. Static meters (runtime, Npgsql) pass. Every
    /// stream but Worcr's own gets the framework's cardinality limit.
    /// </summary>
    internal static Func<System.Diagnostics.Metrics.Instrument, MetricStreamConfiguration?> OnlyThisNode(IMeterFactory factory) =>
        instrument => instrument.Meter.Scope is IMeterFactory other && !ReferenceEquals(other, factory) ? MetricStreamConfiguration.Drop
            : instrument.Meter.Name == NodeTelemetry.MeterName ? null
            : FrameworkStream;
}
