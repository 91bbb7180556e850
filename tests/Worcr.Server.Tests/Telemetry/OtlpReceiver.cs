using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Worcr.Server.Tests.Telemetry;

/// <summary>
/// A stand-in OTLP collector on loopback (real Kestrel, HTTP/2 without TLS, as a collector's port 4317): records the
/// body of every export call and answers each with an empty gRPC response, as a collector that accepted it.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    public const string TraceExport = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

    private readonly WebApplication _app;
    private readonly Channel<(string Path, byte[] Body)> _exports = Channel.CreateUnbounded<(string, byte[])>();

    private OtlpReceiver(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/{**call}", receiver.ReceiveAsync);
        await app.StartAsync();
        receiver.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return receiver;
    }

    /// <summary>Waits for an export call to <paramref name="path"/> whose body contains <paramref name="bytes"/>.</summary>
    public async Task<byte[]> WaitForAsync(string path, byte[] bytes, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            var (calledPath, body) = await _exports.Reader.ReadAsync(deadline.Token);
            if (calledPath == path && body.AsSpan().IndexOf(bytes) >= 0) return body;
        }
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        _exports.Writer.TryWrite((context.Request.Path.Value ?? "", body.ToArray()));
        context.Response.ContentType = "application/grpc";
        context.Response.AppendTrailer("grpc-status", "0");
        // One gRPC message: not compressed, length 0 (an empty Export…ServiceResponse).
        await context.Response.Body.WriteAsync(new byte[5]);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
