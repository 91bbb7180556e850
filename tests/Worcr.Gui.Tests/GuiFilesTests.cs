using System.Net;
using System.Text.RegularExpressions;

namespace Worcr.Gui.Tests;

/// <summary>How a node serves the GUI's files: content types, ETag revalidation and a strict Content-Security-Policy.</summary>
[Collection(GuiCollection.Name)]
public sealed partial class GuiFilesTests : IDisposable
{
    private readonly HttpClient _http;

    public GuiFilesTests(GuiNodeFixture fixture) => _http = new HttpClient { BaseAddress = fixture.HttpAddress };

    [Fact]
    public async Task The_root_serves_the_page_with_a_strict_content_security_policy()
    {
        using var response = await _http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("http", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotMatch("<script(?![^>]*src=)", html);
    }

    [Fact]
    public async Task An_unchanged_file_is_answered_304_when_its_etag_is_sent_back()
    {
        using var first = await _http.GetAsync("/ui/app.js");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("text/javascript", first.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-cache", first.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        var etag = first.Headers.ETag ?? throw new InvalidOperationException("no ETag");

        using var again = new HttpRequestMessage(HttpMethod.Get, "/ui/app.js");
        again.Headers.IfNoneMatch.Add(etag);
        using var second = await _http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Every_module_the_gui_imports_is_served_and_unknown_files_are_not()
    {
        var pending = new Queue<string>(["app.js"]);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (pending.TryDequeue(out var path))
        {
            if (!seen.Add(path)) continue;
            using var response = await _http.GetAsync("/ui/" + path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"/ui/{path} answered {(int)response.StatusCode}");
            var source = await response.Content.ReadAsStringAsync();
            foreach (Match import in ImportPattern().Matches(source))
            {
                pending.Enqueue(Resolve(path, import.Groups[1].Value));
            }
        }
        Assert.Contains("pages/rules.js", seen);
        Assert.Contains("parts/code-editor.js", seen);
        using var missing = await _http.GetAsync("/ui/no-such-file.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var css = await _http.GetAsync("/ui/app.css");
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
    }

    private static string Resolve(string from, string relative)
    {
        var folder = Path.GetDirectoryName(from) ?? "";
        return Path.GetRelativePath("/", Path.GetFullPath(Path.Combine("/", folder, relative)));
    }

    [GeneratedRegex("from '(\\.{1,2}/[^']+)'")]
    private static partial Regex ImportPattern();

    public void Dispose() => _http.Dispose();
}
