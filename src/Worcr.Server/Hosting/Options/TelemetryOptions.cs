namespace Worcr.Server.Hosting;

/// <summary>Metrics and traces (docs/operations.md).</summary>
public sealed class TelemetryOptions
{
    /// <summary>
    /// OTLP endpoint for metrics and traces, e.g. http://collector:4317 (gRPC). Unset: the standard
    /// OTEL_EXPORTER_OTLP_ENDPOINT variable decides, and with neither there is no OTLP export (GET /metrics always works).
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>
    /// How many distinct job types, tenants and limit names get a metric label value of their own; later ones are
    /// reported as "other". Default 100. Each value is a separate time series in the monitoring system.
    /// </summary>
    public int MetricLabelLimit { get; set; } = 100;
}

internal sealed class TelemetryOptionsValidator : SettingsValidator<TelemetryOptions>
{
    public override IEnumerable<string> Problems(TelemetryOptions options)
    {
        if (options.MetricLabelLimit is < 1 or > 10_000) yield return $"MetricLabelLimit {options.MetricLabelLimit} must be between 1 and 10000.";
        if (!string.IsNullOrWhiteSpace(options.OtlpEndpoint)
            && !(Uri.TryCreate(options.OtlpEndpoint, UriKind.Absolute, out var endpoint) && endpoint.Scheme is "http" or "https"))
        {
            yield return $"OtlpEndpoint '{options.OtlpEndpoint}' is not an http:// or https:// URL; use e.g. http://collector:4317 or leave it unset.";
        }
    }
}
