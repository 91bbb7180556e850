using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Worcr.Grpc.Server;

namespace Worcr.Grpc.Tests.Infrastructure;

/// <summary>A real Kestrel on 127.0.0.1, h2c on a free port, serving the test service, health and the fallback.</summary>
public sealed class GrpcTestServer : IAsyncLifetime
{
    /// <summary>Small, so tests exceed it without big allocations.</summary>
    public const int MaxReceiveMessageSize = 64 * 1024;

    private WebApplication? _app;

    public Signals Signals { get; } = new();

    public LogSink Logs { get; } = new();

    public HealthService Health { get; } = new();

    public Uri Address { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(Logs);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ConfigureGrpcDefaults();
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
        });
        builder.Services.AddWorcrGrpc(options => options.MaxReceiveMessageSize = MaxReceiveMessageSize);
        _app = builder.Build();
        _app.Use((context, next) =>
        {
            if (context.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate)
            {
                context.Features.Set<IHttpMinRequestBodyDataRateFeature>(new MinDataRateRecorder(rate));
            }

            return next(context);
        });
        new TestService(Signals).Map(_app);
        _app.MapGrpcHealth(Health);
        _app.MapGrpcFallback();
        await _app.StartAsync();
        var addresses = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
        Address = new Uri(addresses.Addresses.First());
    }

    public GrpcChannel CreateChannel(GrpcChannelOptions? options = null) => new(Address, options);

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class GrpcServerCollection : ICollectionFixture<GrpcTestServer>
{
    public const string Name = "grpc server";
}
