using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Worcr.Server.Tests.Infrastructure;

/// <summary>
/// A webhook receiver on loopback (real Kestrel): answers 500 to its first <c>failFirst</c> requests, then 200, or
/// (<c>redirectTo</c>) 307 to that address every time, or (<c>hang</c>) nothing until disposed, counting the most
/// requests it held at once. Every request is recorded; the accepted ones are also written to <see cref="Accepted"/>,
/// once per delivery id.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly int _failFirst;
    private readonly string? _redirectTo;
    private readonly TaskCompletionSource? _hang;
    private int _requests;
    private int _held;
    private int _mostHeld;

    private WebhookReceiver(WebApplication app, int failFirst, string? redirectTo, bool hang)
    {
        _app = app;
        _failFirst = failFirst;
        _redirectTo = redirectTo;
        _hang = hang ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) : null;
    }

    /// <summary>The most requests a hanging receiver held unanswered at once.</summary>
    public int MostHeld => Volatile.Read(ref _mostHeld);

    public string Url { get; private set; } = "";

    public ConcurrentQueue<ReceivedWebhook> AllRequests { get; } = new();

    /// <summary>Accepted deliveries, deduplicated on Worcr-Delivery as a real receiver would.</summary>
    public Channel<ReceivedWebhook> Accepted { get; } = Channel.CreateUnbounded<ReceivedWebhook>();

    private ConcurrentDictionary<string, bool> SeenDeliveries { get; } = new();

    public static async Task<WebhookReceiver> StartAsync(int failFirst = 0, string? redirectTo = null, bool hang = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, failFirst, redirectTo, hang);
        app.MapPost("/hook", receiver.ReceiveAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = address.TrimEnd('/') + "/hook";
        return receiver;
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var received = new ReceivedWebhook(
            request.Headers["Worcr-Event"].ToString(), request.Headers["Worcr-Delivery"].ToString(),
            request.Headers["Worcr-Timestamp"].ToString(), request.Headers["Worcr-Signature"].ToString(), await reader.ReadToEndAsync());
        AllRequests.Enqueue(received);
        if (_redirectTo is not null) return Results.Redirect(_redirectTo, permanent: false, preserveMethod: true);
        if (_hang is not null) return await HoldAsync(request.HttpContext.RequestAborted);
        if (Interlocked.Increment(ref _requests) <= _failFirst) return Results.StatusCode(StatusCodes.Status500InternalServerError);
        if (SeenDeliveries.TryAdd(received.DeliveryId, true)) Accepted.Writer.TryWrite(received);
        return Results.Ok();
    }

    private async Task<IResult> HoldAsync(CancellationToken aborted)
    {
        var held = Interlocked.Increment(ref _held);
        for (var most = Volatile.Read(ref _mostHeld); held > most; most = Volatile.Read(ref _mostHeld))
        {
            if (Interlocked.CompareExchange(ref _mostHeld, held, most) == most) break;
        }
        try
        {
            await _hang!.Task.WaitAsync(aborted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }
        finally
        {
            Interlocked.Decrement(ref _held);
        }
    }

    /// <summary>Reads <paramref name="count"/> accepted deliveries, or throws after <paramref name="timeout"/>.</summary>
    public async Task<List<ReceivedWebhook>> TakeAsync(int count, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var taken = new List<ReceivedWebhook>();
        while (taken.Count < count) taken.Add(await Accepted.Reader.ReadAsync(deadline.Token));
        return taken;
    }

    public async ValueTask DisposeAsync()
    {
        _hang?.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

internal sealed record ReceivedWebhook(string Event, string DeliveryId, string Timestamp, string Signature, string Body)
{
    public bool SignatureIsValidFor(string secret) =>
        Signature == "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(Timestamp + "." + Body)));
}
