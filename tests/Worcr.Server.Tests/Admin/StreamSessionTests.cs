using System.Net;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Admin;

/// <summary>An admin stream already open ends when the session that opened it ends.</summary>
public sealed class StreamSessionTests : IClassFixture<SecuredAdminFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly SecuredAdminFixture _fixture;

    public StreamSessionTests(SecuredAdminFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task A_job_stream_ends_before_its_next_event_once_its_session_signed_out()
    {
        var producer = _fixture.Cluster.Client(apiKey: SecuredAdminFixture.ApiKey);
        var id = await producer.EnqueueAsync("test.echo", "stream-session");
        using var session = await _fixture.SignInAsync(SecuredAdminFixture.ReadOnlyPassword);
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = session.Cookies }) { BaseAddress = _fixture.HttpAddress };
        using var patience = new CancellationTokenSource(Patience);
        using var response = await http.GetAsync($"/api/jobs/{id}/stream", HttpCompletionOption.ResponseHeadersRead, patience.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(patience.Token));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await ReadLinesAsync(reader, line => line == "event: state", patience.Token); // the stored state, waiting

        using var signOut = await session.SendAsync(HttpMethod.Delete, "/api/session");
        await producer.CancelAsync(id);
        // Until the stream ends, or until it sends the cancellation it should no longer send.
        var rest = await ReadLinesAsync(reader, line => line == "event: state", patience.Token);

        Assert.True(signOut.IsSuccessStatusCode);
        Assert.DoesNotContain("event: state", rest);
        Assert.Contains(": " + Worcr.Admin.StreamAccess.EndedComment, rest);
    }

    /// <summary>Lines up to and including the first that <paramref name="stop"/> accepts, or all until the stream ends.</summary>
    private static async Task<List<string>> ReadLinesAsync(StreamReader reader, Func<string, bool> stop, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            lines.Add(line);
            if (stop(line)) break;
        }
        return lines;
    }
}
