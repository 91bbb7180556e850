using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Worcr.Server.Tests.Infrastructure;

/// <summary>Plain HTTP calls to a node's admin API (/api/...), with the operator key when one is given.</summary>
internal sealed class AdminClient : IDisposable
{
    private readonly HttpClient _http;

    public AdminClient(Uri httpAddress, string? apiKey = null)
    {
        _http = new HttpClient { BaseAddress = httpAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (apiKey is not null) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
    }

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(path);

    public Task<HttpResponseMessage> DeleteAsync(string path) => _http.DeleteAsync(path);

    public Task<HttpResponseMessage> PutAsync(string path, object body) => _http.PutAsync(path, Json(body));

    public Task<HttpResponseMessage> PostAsync(string path, object body) => _http.PostAsync(path, Json(body));

    /// <summary>Sends a body as given (for malformed JSON).</summary>
    public Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, string body) =>
        _http.SendAsync(new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") });

    /// <summary>Sends a request made by the caller (any method, path and body).</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => _http.SendAsync(request);

    public async Task<JsonElement> GetJsonAsync(string path) => await ReadAsync(await GetAsync(path));

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The rule of that name in GET /api/rules, or null.</summary>
    public async Task<JsonElement?> FindRuleAsync(string name)
    {
        foreach (var rule in (await GetJsonAsync("/api/rules")).GetProperty("rules").EnumerateArray())
        {
            if (rule.GetProperty("name").GetString() == name) return rule;
        }
        return null;
    }

    /// <summary>A JSON body exactly as a client would send it; property names are written as given (snake_case).</summary>
    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    public void Dispose() => _http.Dispose();
}
