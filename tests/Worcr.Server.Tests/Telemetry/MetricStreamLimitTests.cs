using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using Worcr.Server.Telemetry;

namespace Worcr.Server.Tests.Telemetry;

/// <summary>
/// The metrics SDK allocates every stream's points up front, as many as its cardinality limit: the framework's
/// streams get a smaller limit than the SDK's default, Worcr's own keep the default, another node's are dropped.
/// </summary>
public sealed class MetricStreamLimitTests
{
    [Fact]
    public void Framework_streams_get_the_smaller_cardinality_limit()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var runtime = new Meter("System.Runtime");
        var view = TelemetrySetup.OnlyThisNode(services.GetRequiredService<IMeterFactory>());

        var stream = view(runtime.CreateCounter<long>("dotnet.gc.collections"));

        Assert.NotNull(stream);
        Assert.NotSame(MetricStreamConfiguration.Drop, stream);
        Assert.Equal(TelemetrySetup.FrameworkCardinalityLimit, stream.CardinalityLimit);
    }

    [Fact]
    public void The_nodes_own_streams_keep_the_default_limit_and_another_nodes_are_dropped()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var otherServices = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        var view = TelemetrySetup.OnlyThisNode(factory);
        var own = factory.Create(NodeTelemetry.MeterName);
        var other = otherServices.GetRequiredService<IMeterFactory>().Create(NodeTelemetry.MeterName);

        Assert.Null(view(own.CreateCounter<long>("worcr.jobs.enqueued")));
        Assert.Same(MetricStreamConfiguration.Drop, view(other.CreateCounter<long>("worcr.jobs.enqueued")));
    }
}
