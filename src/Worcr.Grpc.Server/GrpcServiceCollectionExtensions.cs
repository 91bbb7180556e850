using Microsoft.Extensions.DependencyInjection;

namespace Worcr.Grpc.Server;

public static class GrpcServiceCollectionExtensions
{
    /// <summary>Registers the gRPC transport; validates the options now, so a bad setting fails at start-up.</summary>
    public static IServiceCollection AddWorcrGrpc(this IServiceCollection services, Action<GrpcServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new GrpcServerOptions();
        configure?.Invoke(options);
        options.Validate();
        services.AddSingleton(options);
        services.AddRouting();
        return services;
    }
}
