using Worcr.Grpc.Health.V1;
using Worcr.Grpc.Tests.Infrastructure;
using ServingStatus = Worcr.Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Worcr.Grpc.Tests.Functional;

public sealed class HealthTests(GrpcTestServer server) : FunctionalTest(server)
{
    [Fact]
    public async Task The_server_as_a_whole_reports_serving()
    {
        var reply = await Channel.UnaryAsync(HealthMethods.Check, new HealthCheckRequest());

        Assert.Equal(ServingStatus.Serving, reply.Status);
    }

    [Fact]
    public async Task Checking_an_unknown_service_is_not_found()
    {
        var error = await Assert.ThrowsAsync<RpcException>(
            () => Channel.UnaryAsync(HealthMethods.Check, new HealthCheckRequest { Service = "nobody" }));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task Check_reflects_the_status_last_set()
    {
        var service = NewId();
        Server.Health.SetStatus(service, ServingStatus.NotServing);

        var reply = await Channel.UnaryAsync(HealthMethods.Check, new HealthCheckRequest { Service = service });

        Assert.Equal(ServingStatus.NotServing, reply.Status);
    }

    [Fact]
    public async Task Watch_sends_the_current_status_then_each_change()
    {
        var service = NewId();
        using var call = Channel.ServerStreaming(HealthMethods.Watch, new HealthCheckRequest { Service = service });
        await using var updates = call.ReadAllAsync().GetAsyncEnumerator();

        Assert.True(await updates.MoveNextAsync());
        Assert.Equal(ServingStatus.ServiceUnknown, updates.Current.Status);

        Server.Health.SetStatus(service, ServingStatus.Serving);
        Assert.True(await updates.MoveNextAsync());
        Assert.Equal(ServingStatus.Serving, updates.Current.Status);
    }
}
