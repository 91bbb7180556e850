using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Worcr.Gui.Tests;

/// <summary>
/// The node's admin API with the operator key: the GUI tests read through it what the browser changed, ask it
/// what error it gives for an input, and clean up after a scenario.
/// </summary>
public sealed class AdminClient : IDisposable
{
    private readonly HttpClient _http;

    public AdminClient(Uri httpAddress, string apiKey)
    {
        _http = new HttpClient { BaseAddress = httpAddress, Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
    }

    /// <summary>GET path as JSON; null when the API answers 404.</summary>
    public async Task<JsonElement?> FindAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        return await ReadAsync(response, path);
    }

    public async Task<JsonElement> GetAsync(string path) =>
        await FindAsync(path) ?? throw new InvalidOperationException($"GET {path} answered 404.");

    /// <summary>The item of a list answer (e.g. "limits" of /api/limits) whose "name" is <paramref name="name"/>, or null.</summary>
    public async Task<JsonElement?> FindInListAsync(string path, string listProperty, string name)
    {
        foreach (var item in (await GetAsync(path)).GetProperty(listProperty).EnumerateArray())
        {
            if (item.GetProperty("name").GetString() == name) return item;
        }
        return null;
    }

    /// <summary>PUTs a JSON body (snake_case names as given) and returns the status and the answer's "error", if any.</summary>
    public async Task<(HttpStatusCode Status, string? Error)> PutAsync(string path, object body)
    {
        using var content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        using var response = await _http.PutAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        if (text.Length == 0) return (response.StatusCode, null);
        using var answer = JsonDocument.Parse(text);
        return (response.StatusCode, answer.RootElement.TryGetProperty("error", out var error) ? error.GetString() : null);
    }

    /// <summary>Deletes, accepting 404 (already gone): for cleanup.</summary>
    public async Task DeleteAsync(string path)
    {
        using var response = await _http.DeleteAsync(path);
        if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotFound)
        {
            throw new InvalidOperationException($"DELETE {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, string path)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {text}");
        using var answer = JsonDocument.Parse(text);
        return answer.RootElement.Clone();
    }

    public void Dispose() => _http.Dispose();
}
