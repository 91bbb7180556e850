using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Worcr.Admin;

/// <summary>
/// A server-sent events response (text/event-stream): each event is written and flushed at once, and comment
/// lines keep idle connections (and the proxies between) from timing out.
/// </summary>
internal sealed class EventStreamWriter
{
    /// <summary>How often an idle stream sends a comment line.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);

    private readonly HttpResponse _response;

    private EventStreamWriter(HttpResponse response) => _response = response;

    /// <summary>Sends the headers now, so the client knows the stream is open before the first event.</summary>
    public static async Task<EventStreamWriter> StartAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache, no-store";
        // Reverse proxies (nginx) would otherwise hold events back in their buffers.
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(cancellationToken);
        var writer = new EventStreamWriter(response);
        await writer.CommentAsync("stream open", cancellationToken);
        return writer;
    }

    /// <summary>Writes one event whose data is <paramref name="data"/> as JSON (one line: JSON never needs a newline).</summary>
    public Task WriteAsync(string name, object data, CancellationToken cancellationToken) =>
        SendAsync($"event: {name}\ndata: {JsonSerializer.Serialize(data, AdminJson.Options.GetTypeInfo(data.GetType()))}\n\n", cancellationToken);

    public Task CommentAsync(string text, CancellationToken cancellationToken) => SendAsync($": {text}\n\n", cancellationToken);

    private async Task SendAsync(string text, CancellationToken cancellationToken)
    {
        await _response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
        await _response.Body.FlushAsync(cancellationToken);
    }
}
