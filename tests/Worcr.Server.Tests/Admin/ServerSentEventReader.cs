using System.Net.Http.Headers;
using System.Text.Json;

namespace Worcr.Server.Tests.Admin;

/// <summary>Reads a text/event-stream response event by event, as a browser's EventSource would; comment lines are skipped.</summary>
internal sealed class ServerSentEventReader : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly HttpClient _http;
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private ServerSentEventReader(HttpClient http, HttpResponseMessage response, StreamReader reader)
    {
        _http = http;
        _response = response;
        _reader = reader;
    }

    public HttpResponseMessage Response => _response;

    public int Comments { get; private set; }

    public static async Task<ServerSentEventReader> OpenAsync(Uri address, string path, string? apiKey)
    {
        var http = new HttpClient { BaseAddress = address, Timeout = Timeout.InfiniteTimeSpan };
        if (apiKey is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        return new ServerSentEventReader(http, response, reader);
    }

    /// <summary>The next event's name and JSON data.</summary>
    public async Task<(string Name, JsonElement Data)> NextAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        string? name = null;
        string? data = null;
        while (true)
        {
            var line = await _reader.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("The event stream ended.");
            if (line.Length == 0)
            {
                if (data is not null) return (name ?? "message", JsonDocument.Parse(data).RootElement.Clone());
                continue;
            }
            if (line.StartsWith(':')) Comments++;
            else if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line["event: ".Length..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line["data: ".Length..];
        }
    }

    /// <summary>Events until one satisfies <paramref name="last"/> (included).</summary>
    public async Task<List<(string Name, JsonElement Data)>> UntilAsync(Func<string, JsonElement, bool> last)
    {
        var seen = new List<(string, JsonElement)>();
        while (true)
        {
            var next = await NextAsync();
            seen.Add(next);
            if (last(next.Name, next.Data)) return seen;
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}
