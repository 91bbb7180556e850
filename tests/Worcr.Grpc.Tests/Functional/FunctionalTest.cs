using Worcr.Grpc.Tests.Infrastructure;
using Worcr.Grpc.Tests.Protos;

namespace Worcr.Grpc.Tests.Functional;

/// <summary>Base for tests against the shared in-process server: one channel per test class, disposed after.</summary>
[Collection(GrpcServerCollection.Name)]
public abstract class FunctionalTest(GrpcTestServer server) : IDisposable
{
    protected GrpcTestServer Server { get; } = server;

    protected GrpcChannel Channel { get; } = server.CreateChannel();

    /// <summary>After bad input the server must still serve: a plain call succeeds.</summary>
    protected async Task AssertStillServesAsync()
    {
        var reply = await Channel.UnaryAsync(TesterMethods.Echo, new TestRequest { Text = "still alive" });
        Assert.Equal("still alive", reply.Text);
    }

    protected static string NewId() => Guid.NewGuid().ToString("N");

    public void Dispose() => Channel.Dispose();
}
