using System.Net;
using System.Text;
using System.Text.Json;

namespace Worcr.Server.Tests.Infrastructure;

/// <summary>
/// Calls the admin API as the GUI does: a cookie jar for the session and the CSRF token from sign-in, sent on
/// changes unless a test leaves it out (or replaces it).
/// </summary>
internal sealed class SessionClient : IDisposable
{
    private readonly HttpClient _http;

    public SessionClient(Uri httpAddress)
    {
        Cookies = new CookieContainer();
        _http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, UseCookies = true }) { BaseAddress = httpAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public CookieContainer Cookies { get; }

    public string? CsrfToken { get; private set; }

    public async Task<HttpResponseMessage> SignInAsync(string password)
    {
        var response = await _http.PostAsync("/api/session", new StringContent(JsonSerializer.Serialize(new { password }), Encoding.UTF8, "application/json"));
        if (response.IsSuccessStatusCode) CsrfToken = (await AdminClient.ReadAsync(response)).GetProperty("csrf_token").GetString();
        return response;
    }

    /// <summary>Sends a request; the CSRF header carries <paramref name="csrf"/> when given, else the session's token unless <paramref name="withCsrf"/> is false.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body = null, bool withCsrf = true, string? csrf = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        var token = csrf ?? (withCsrf ? CsrfToken : null);
        if (token is not null) request.Headers.Add("X-CSRF-Token", token);
        // Headers only: a streaming endpoint (server-sent events) would otherwise never end.
        return _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    public void Dispose() => _http.Dispose();
}
