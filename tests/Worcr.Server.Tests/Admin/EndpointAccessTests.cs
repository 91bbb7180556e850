using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Worcr.Admin;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Admin;

/// <summary>
/// Every /api endpoint the node serves, found through routing (so endpoints added later are covered too), refuses
/// strangers, cookie changes without the CSRF token, and read-only sessions unless it is on the read-only list.
/// </summary>
public sealed class EndpointAccessTests : IClassFixture<SecuredAdminFixture>
{
    // Every endpoint the read-only role may reach, as method and route pattern: the reads, explaining and dry-running
    // the saved rules (POST only for their bodies; a draft in them needs the admin role) and signing out. Anything else, including an endpoint added later, is admin-only.
    private static readonly HashSet<string> ReadOnlyAllowed =
    [
        "GET /api/rules", "POST /api/rules/explain", "POST /api/rules/dry-run",
        "GET /api/cron", "GET /api/cron/{name}",
        "GET /api/webhooks", "GET /api/webhooks/{name}", "GET /api/webhooks/{name}/deliveries",
        "GET /api/job-types", "GET /api/limits", "GET /api/tenants", "GET /api/tenants/{name}/keys",
        "GET /api/workers", "GET /api/nodes",
        "GET /api/jobs", "GET /api/jobs/{id}", "GET /api/jobs/{id}/stream",
        "GET /api/overview", "GET /api/overview/stream",
        "DELETE /api/session",
    ];
    private readonly SecuredAdminFixture _fixture;

    public EndpointAccessTests(SecuredAdminFixture fixture) => _fixture = fixture;

    /// <summary>(method, path) of every /api endpoint that needs a caller, with route parameters filled in.</summary>
    private IReadOnlyList<(string Method, string Path)> ProtectedEndpoints() =>
        ProtectedRoutes().Select(e => (e.Method, Fill(e.Pattern))).ToList();

    /// <summary>(method, route pattern, endpoint) of every /api endpoint that needs a caller.</summary>
    private IReadOnlyList<(string Method, string Pattern, RouteEndpoint Endpoint)> ProtectedRoutes() =>
        _fixture.Cluster.Nodes[0].Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true)
            .Where(e => e.Metadata.GetMetadata<SessionlessEndpoint>() is null)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(method => (method, e.RoutePattern.RawText!, e)))
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
    public async Task A_tenant_key_is_no_admin_credential_and_gets_401_on_every_endpoint()
    {
        // The admin API has no tenant-scoped access: its jobs, events and webhooks are the operator's. A producer's
        // tenant key sent as a bearer token must not reach them, its own tenant's included.
        using var operatorClient = new AdminClient(_fixture.HttpAddress, SecuredAdminFixture.ApiKey);
        using var created = await operatorClient.PostAsync("/api/tenants/access-t/keys", new { label = "producer" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var tenantKey = (await AdminClient.ReadAsync(created)).GetProperty("key").GetString()!;
        using var tenant = new AdminClient(_fixture.HttpAddress, tenantKey);
        var failures = new List<string>();
        foreach (var (method, path) in ProtectedEndpoints().Select(e => (e.Method, e.Path.Replace("/1", "/access-t", StringComparison.Ordinal))))
        {
            using var response = await tenant.SendRawAsync(new HttpMethod(method), path, Changes(method) ? "{}" : "");
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
    public void Exactly_the_listed_endpoints_are_marked_for_the_read_only_role()
    {
        var marked = ProtectedRoutes().Where(e => e.Endpoint.Metadata.GetMetadata<ReadOnlyAccess>() is not null).Select(e => $"{e.Method} {e.Pattern}").ToHashSet();

        Assert.Equal(ReadOnlyAllowed.Order(StringComparer.Ordinal), marked.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Read_only_session_gets_403_on_every_endpoint_off_the_list_and_passes_every_one_on_it()
    {
        using var viewer = await _fixture.SignInAsync(SecuredAdminFixture.ReadOnlyPassword);
        var failures = new List<string>();
        // Signing out would end the session this loop uses: AuthTests.Read_only_session_may_sign_out covers it.
        foreach (var (method, pattern, _) in ProtectedRoutes().Where(e => !(e.Pattern == "/api/session" && Changes(e.Method))))
        {
            var path = Fill(pattern);
            using var response = await viewer.SendAsync(new HttpMethod(method), path, Changes(method) ? "{}" : null);
            var allowed = ReadOnlyAllowed.Contains($"{method} {pattern}");
            // Off the list: exactly 403, before the endpoint runs. On it: anything but 401/403 (404 for "1", 400 for "{}" are fine).
            var failed = allowed ? response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized : response.StatusCode != HttpStatusCode.Forbidden;
            if (failed) failures.Add($"{method} {path}: {(int)response.StatusCode}");
        }
        Assert.Empty(failures);
    }

    [Fact]
    public async Task Read_only_session_cannot_reach_a_change_by_spelling_its_path_like_an_allowed_one()
    {
        using var viewer = await _fixture.SignInAsync(SecuredAdminFixture.ReadOnlyPassword);
        var failures = new List<string>();
        // Each of these reaches a changing endpoint (saving or deleting a rule named "validate", "explain", ...; a
        // cancel) through a spelling routing accepts: other case, trailing slash, dot segments.
        const string Rule = """{"kind": "weight", "language": "lua", "code": "function weight(job, worker) return 0 end"}""";
        foreach (var (method, path, body) in new[]
        {
            ("PUT", "/api/rules/validate", Rule), ("PUT", "/API/Rules/Validate", Rule), ("DELETE", "/api/rules/explain", null),
            ("PUT", "/api/rules/dry-run/", Rule), ("POST", "/api/jobs/1/cancel/", "{}"), ("PUT", "/api/session/../rules/session", Rule),
        })
        {
            using var response = await viewer.SendAsync(new HttpMethod(method), path, body);
            if (response.StatusCode != HttpStatusCode.Forbidden) failures.Add($"{method} {path}: {(int)response.StatusCode}");
        }
        Assert.Empty(failures);
        using var admin = new AdminClient(_fixture.HttpAddress, SecuredAdminFixture.ApiKey);
        Assert.Null(await admin.FindRuleAsync("validate"));
        Assert.Null(await admin.FindRuleAsync("dry-run"));
        Assert.Null(await admin.FindRuleAsync("session"));
    }
}
