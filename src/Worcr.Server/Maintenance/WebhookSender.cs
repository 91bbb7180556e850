using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Worcr.Core.Input;
using Worcr.Postgres;

namespace Worcr.Server.Maintenance;

/// <summary>
/// POSTs one event: body {id, event, job, at}, headers Worcr-Event, Worcr-Delivery (the outbox id, the same on
/// every retry, for receivers to dedupe on), Worcr-Timestamp (unix seconds) and Worcr-Signature.
/// </summary>
/// <remarks>
/// Only the status counts. A redirect is not followed (it is a failed attempt, retried): a receiver could otherwise
/// steer signed POSTs at any address the node reaches, an internal service or a cloud metadata endpoint, and have
/// their answers recorded where operators read them. The answer's body is never read: a receiver streaming one for
/// the whole timeout costs the node nothing but the connection.
/// </remarks>
internal sealed class WebhookSender : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = Timeout };
    private readonly TimeProvider _time;

    public WebhookSender(TimeProvider time) => _time = time;

    public async Task<WebhookAttempt> SendAsync(WebhookMessage message, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        int? status = null;
        string? error = null;
        try
        {
            using var response = await _http.SendAsync(BuildRequest(message), HttpCompletionOption.ResponseHeadersRead, ct);
            status = (int)response.StatusCode;
            if (status is >= 300 and < 400) error = $"HTTP {status}: redirects are not followed (to {TextCheck.Quote(response.Headers.Location?.ToString() ?? "")})";
        }
        catch (Exception exception) when (exception is HttpRequestException || (exception is TaskCanceledException && !ct.IsCancellationRequested))
        {
            error = exception is TaskCanceledException ? $"no answer within {Timeout.TotalSeconds:0} s" : exception.Message;
        }
        return new WebhookAttempt(message, status, error, Stopwatch.GetElapsedTime(started), WebhookRetryPolicy.After(message.Attempt));
    }

    private HttpRequestMessage BuildRequest(WebhookMessage message)
    {
        var body = Body(message);
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, message.Url)
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add("Worcr-Event", message.Event);
        request.Headers.Add("Worcr-Delivery", message.Id.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("Worcr-Timestamp", timestamp);
        request.Headers.Add("Worcr-Signature", WebhookSignature.Sign(message.Secret, timestamp, body));
        return request;
    }

    public static string Body(WebhookMessage message) => new JsonObject
    {
        ["id"] = message.Id.ToString(CultureInfo.InvariantCulture),
        ["event"] = message.Event,
        ["job"] = JsonNode.Parse(message.JobJson),
        ["at"] = message.CreatedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
    }.ToJsonString(BodyJson);

    private static readonly JsonSerializerOptions BodyJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public void Dispose() => _http.Dispose();
}
