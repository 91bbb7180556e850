using Worcr.Server.Hosting;

namespace Worcr.Server.Tests.Telemetry;

public sealed class TelemetrySettingsTests
{
    private static NodeOptions Options(Action<NodeOptions> configure)
    {
        var options = new NodeOptions { PostgresUrl = "postgres://localhost/x", RedisUrl = "redis://localhost:6379", AllowUnauthenticated = true };
        configure(options);
        return options;
    }

    [Fact]
    public void An_OTLP_endpoint_that_is_not_an_http_URL_is_refused_naming_the_setting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Options(o => o.OtlpEndpoint = "collector:4317").Validate());

        Assert.Contains("OtlpEndpoint 'collector:4317' is not an http:// or https:// URL", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10_001)]
    public void A_metric_label_limit_out_of_range_is_refused(int limit)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Options(o => o.MetricLabelLimit = limit).Validate());

        Assert.Contains($"MetricLabelLimit {limit} must be between 1 and 10000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_absolute_OTLP_endpoint_or_none_is_accepted()
    {
        Options(o => o.OtlpEndpoint = "http://collector:4317").Validate();
        Options(o => o.OtlpEndpoint = null).Validate();
    }
}
