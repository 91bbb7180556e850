using Worcr.Grpc.Health.V1;

namespace Worcr.Grpc;

/// <summary>The standard grpc.health.v1.Health methods, for clients (probes, CLI) and for the server's HealthService.</summary>
public static class HealthMethods
{
    public const string ServiceName = "grpc.health.v1.Health";

    public static Method<HealthCheckRequest, HealthCheckResponse> Check { get; } =
        new(ServiceName, "Check", MethodType.Unary, HealthCheckRequest.Parser, HealthCheckResponse.Parser);

    public static Method<HealthCheckRequest, HealthCheckResponse> Watch { get; } =
        new(ServiceName, "Watch", MethodType.ServerStreaming, HealthCheckRequest.Parser, HealthCheckResponse.Parser);
}
