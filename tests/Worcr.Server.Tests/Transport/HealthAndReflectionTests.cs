using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Testing;

namespace Worcr.Server.Tests.Transport;

/// <summary>The standard grpc.health.v1 service reports PostgreSQL and Redis; reflection lists the services for grpcurl and friends.</summary>
public sealed class HealthAndReflectionTests
{
    [Fact]
    public async Task Health_is_serving_while_postgres_and_redis_answer()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var channel = GrpcChannel.ForAddress(cluster.Nodes[0].GrpcAddress);

        var reply = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
    }

    [Fact]
    public async Task Health_is_not_serving_once_redis_is_gone()
    {
        var redis = await TestServices.StartPrivateRedisAsync();
        await using var cluster = await TestCluster.StartAsync(configure: o => o.RedisUrl = redis.Url);
        using var channel = GrpcChannel.ForAddress(cluster.Nodes[0].GrpcAddress);
        var health = new Health.HealthClient(channel);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);

        await redis.DisposeAsync();

        var reply = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(30));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, reply.Status);
    }

    [Fact]
    public async Task Reflection_lists_the_worcr_and_health_services()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var channel = GrpcChannel.ForAddress(cluster.Nodes[0].GrpcAddress);
        using var call = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo();

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext());

        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("worcr.v1.Jobs", services);
        Assert.Contains("worcr.v1.Workers", services);
        Assert.Contains("grpc.health.v1.Health", services);
    }
}
