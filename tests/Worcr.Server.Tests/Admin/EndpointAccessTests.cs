using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Worcr.Admin;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Admin;

/// <summary>
/// Every /api endpoint the node serves, found through routing (so endpoints added later are covered too), refuses
/// strangers, cookie changes without the CSRF token and read-only changes.
/// </summary>
public sealed class EndpointAccessTests : IClassFixture<SecuredAdminFixture>
{
    // The pure checks, and signing out, are open to the read-only role.
    private static readonly HashSet<string> ReadOnlyAllowed = ["/api/rules/validate", "/api/rules/explain", "/api/rules/dry-run", "/api/session"];
    private readonly SecuredAdminFixture _fixture;

    public EndpointAccessTests(SecuredAdminFixture fixture) => _fixture = fixture;

    /// <summary>(method, path) of every /api endpoint that needs a caller, with route parameters filled in.</summary>
    private IReadOnlyList<(string Method, string Path)> ProtectedEndpoints() =>
        _fixture.Cluster.Nodes[0].Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true)
            .Where(e => e.Metadata.GetMetadata<SessionlessEndpoint>() is null)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(method => (method, Fill(e.RoutePattern.RawText!))))
            .ToList();

    // Any value fits every parameter's route constraint (names, ids); "1" names nothing that exists.
    private static string Fill(string pattern) => System.Text.RegularExpressions.Regex.Replace(pattern, @"\{[^}]+\}", "1");

    private static bool Changes(string method) => !HttpMethods.IsGet(method) && !HttpMethods.IsHead(method);

    [Fact]
    public void The_enumeration_finds_the_endpoints_of_every_area()
    {
        var paths = ProtectedEndpoints().Select(e => e.Path).ToHashSet();

        Assert.Contains("/api/rules", paths);
        Assert.Contains("/api/limits", paths);
        Assert.Contains("/api/tenants", paths);
        Assert.Contains("/api/workers", paths);
        Assert.Contains("/api/session", paths);
    }

    [Fact]
    public async Task Every_endpoint_answers_401_without_credentials()
    {
        using var stranger = new SessionClient(_fixture.HttpAddress);
        var failures = new List<string>();
        foreach (var (method, path) in ProtectedEndpoints())
        {
            using var response = await stranger.SendAsync(new HttpMethod(method), path, Changes(method) ? "{}" : null);
            if (response.StatusCode != HttpStatusCode.Unauthorized) failures.Add($"{method} {path}: {(int)response.StatusCode}");
        }
        Assert.Empty(failures);
    }

    [Fact]
    public async Task Every_change_with_a_session_but_no_csrf_token_answers_403()
    {
        using var admin = await _fixture.SignInAsync(SecuredAdminFixture.AdminPassword);
        var failures = new List<string>();
        foreach (var (method, path) in ProtectedEndpoints().Where(e => Changes(e.Method)))
        {
            using var response = await admin.SendAsync(new HttpMethod(method), path, "{}", withCsrf: false);
            if (response.StatusCode != HttpStatusCode.Forbidden) failures.Add($"{method} {path}: {(int)response.StatusCode}");
        }
        Assert.Empty(failures);
    }

    [Fact]
    public async Task Read_only_session_gets_403_on_every_change_except_the_pure_checks_and_sign_out_and_passes_every_get()
    {
        using var viewer = await _fixture.SignInAsync(SecuredAdminFixture.ReadOnlyPassword);
        var failures = new List<string>();
        // Signing out would end the session this loop uses: AuthTests.Read_only_session_may_sign_out covers it.
        foreach (var (method, path) in ProtectedEndpoints().Where(e => !(e.Path == "/api/session" && Changes(e.Method))))
        {
            using var response = await viewer.SendAsync(new HttpMethod(method), path, Changes(method) ? "{}" : null);
            var refused = response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized;
            var mayPass = !Changes(method) || ReadOnlyAllowed.Contains(path);
            if (refused == mayPass) failures.Add($"{method} {path}: {(int)response.StatusCode}");
        }
        Assert.Empty(failures);
    }
}
