using System.Net;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Admin;

/// <summary>Signing in to the admin API: sessions, cookie flags, CSRF tokens, the read-only role and the operator key.</summary>
public sealed class AuthTests : IClassFixture<SecuredAdminFixture>
{
    private const string RuleBody = """{"kind": "weight", "language": "lua", "code": "function weight(job, worker) return 1 end"}""";
    private readonly SecuredAdminFixture _fixture;

    public AuthTests(SecuredAdminFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task Admin_password_signs_in_with_the_admin_role_a_csrf_token_and_a_strict_http_only_cookie()
    {
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = _fixture.HttpAddress };

        using var response = await http.PostAsync("/api/session", Json($$"""{"password": "{{SecuredAdminFixture.AdminPassword}}"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await AdminClient.ReadAsync(response);
        Assert.Equal("admin", body.GetProperty("role").GetString());
        Assert.True(body.GetProperty("csrf_token").GetString()!.Length >= 40);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("worcr_session=", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);
        // Plain HTTP here: a Secure cookie would never come back.
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Wrong_password_gets_401_and_no_cookie()
    {
        using var client = new SessionClient(_fixture.HttpAddress);

        using var response = await client.SignInAsync("not-the-password");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.Contains("Wrong password", (await AdminClient.ReadAsync(response)).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_in_without_a_password_field_gets_400()
    {
        using var client = new SessionClient(_fixture.HttpAddress);

        using var response = await client.SendAsync(HttpMethod.Post, "/api/session", """{"pass": "x"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("password", (await AdminClient.ReadAsync(response)).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_session_answers_the_role_and_token_when_signed_in_and_401_when_not()
    {
        using var viewer = await _fixture.SignInAsync(SecuredAdminFixture.ReadOnlyPassword);
        using var stranger = new SessionClient(_fixture.HttpAddress);

        using var signedIn = await viewer.SendAsync(HttpMethod.Get, "/api/session");
        using var anonymous = await stranger.SendAsync(HttpMethod.Get, "/api/session");

        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        var body = await AdminClient.ReadAsync(signedIn);
        Assert.Equal("read_only", body.GetProperty("role").GetString());
        Assert.Equal(viewer.CsrfToken, body.GetProperty("csrf_token").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task Sign_out_ends_the_session_on_the_server_so_a_kept_cookie_no_longer_works()
    {
        using var admin = await _fixture.SignInAsync(SecuredAdminFixture.AdminPassword);
        var kept = admin.Cookies.GetCookieHeader(_fixture.HttpAddress);
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = _fixture.HttpAddress };

        using var signOut = await admin.SendAsync(HttpMethod.Delete, "/api/session");
        using var replay = new HttpRequestMessage(HttpMethod.Get, "/api/rules");
        replay.Headers.Add("Cookie", kept);
        using var afterwards = await http.SendAsync(replay);

        Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterwards.StatusCode);
    }

    [Fact]
    public async Task Read_only_session_may_sign_out()
    {
        using var viewer = await _fixture.SignInAsync(SecuredAdminFixture.ReadOnlyPassword);

        using var signOut = await viewer.SendAsync(HttpMethod.Delete, "/api/session");
        using var afterwards = await viewer.SendAsync(HttpMethod.Get, "/api/rules");

        Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterwards.StatusCode);
    }

    [Fact]
    public async Task Sign_out_without_the_csrf_token_is_refused()
    {
        using var admin = await _fixture.SignInAsync(SecuredAdminFixture.AdminPassword);

        using var signOut = await admin.SendAsync(HttpMethod.Delete, "/api/session", withCsrf: false);
        using var stillIn = await admin.SendAsync(HttpMethod.Get, "/api/session");

        Assert.Equal(HttpStatusCode.Forbidden, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.OK, stillIn.StatusCode);
    }

    [Fact]
    public async Task A_change_with_a_missing_or_wrong_csrf_token_gets_403_and_with_the_right_one_is_saved()
    {
        using var admin = await _fixture.SignInAsync(SecuredAdminFixture.AdminPassword);

        using var missing = await admin.SendAsync(HttpMethod.Put, "/api/rules/csrf-probe", RuleBody, withCsrf: false);
        using var wrong = await admin.SendAsync(HttpMethod.Put, "/api/rules/csrf-probe", RuleBody, csrf: "forged-token");
        var savedBefore = await _fixture.Cluster.Database.Rules.GetAsync("csrf-probe");
        using var right = await admin.SendAsync(HttpMethod.Put, "/api/rules/csrf-probe", RuleBody);

        Assert.Equal(HttpStatusCode.Forbidden, missing.StatusCode);
        Assert.Contains("CSRF", (await AdminClient.ReadAsync(missing)).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Null(savedBefore);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.NotNull(await _fixture.Cluster.Database.Rules.GetAsync("csrf-probe"));
    }

    [Fact]
    public async Task Read_only_session_may_look_and_test_the_saved_rules_but_neither_change_nor_run_code_of_its_own()
    {
        using var viewer = await _fixture.SignInAsync(SecuredAdminFixture.ReadOnlyPassword);
        const string Facts = "\"job\": {\"type\": \"test.echo\", \"tags\": [\"eu\"]}, \"worker\": {\"tags\": [\"eu\"]}";
        const string Draft = "\"draft\": " + RuleBody;

        using var list = await viewer.SendAsync(HttpMethod.Get, "/api/rules");
        using var explainSaved = await viewer.SendAsync(HttpMethod.Post, "/api/rules/explain", "{" + Facts + "}");
        using var dryRunSaved = await viewer.SendAsync(HttpMethod.Post, "/api/rules/dry-run", """{"draft": null}""");
        using var validate = await viewer.SendAsync(HttpMethod.Post, "/api/rules/validate", RuleBody);
        using var explainDraft = await viewer.SendAsync(HttpMethod.Post, "/api/rules/explain", "{" + Facts + ", " + Draft + "}");
        using var dryRunDraft = await viewer.SendAsync(HttpMethod.Post, "/api/rules/dry-run", "{" + Draft + "}");
        using var save = await viewer.SendAsync(HttpMethod.Put, "/api/rules/read-only-probe", RuleBody);

        Assert.Equal(
            [HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden],
            new[] { list, explainSaved, dryRunSaved, validate, explainDraft, dryRunDraft, save }.Select(r => r.StatusCode));
        Assert.Contains("a draft is code", (await AdminClient.ReadAsync(explainDraft)).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("a draft is code", (await AdminClient.ReadAsync(dryRunDraft)).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("read-only", (await AdminClient.ReadAsync(save)).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Null(await _fixture.Cluster.Database.Rules.GetAsync("read-only-probe"));
    }

    [Fact]
    public async Task Operator_key_changes_without_a_csrf_token_and_reports_the_admin_role()
    {
        using var admin = new AdminClient(_fixture.HttpAddress, SecuredAdminFixture.ApiKey);

        using var save = await admin.SendRawAsync(HttpMethod.Put, "/api/rules/bearer-probe", RuleBody);
        var session = await admin.GetJsonAsync("/api/session");

        Assert.Equal(HttpStatusCode.OK, save.StatusCode);
        Assert.Equal("admin", session.GetProperty("role").GetString());
        Assert.Equal("", session.GetProperty("csrf_token").GetString());
    }

    [Fact]
    public async Task A_wrong_bearer_key_is_not_saved_by_a_valid_cookie()
    {
        using var admin = await _fixture.SignInAsync(SecuredAdminFixture.AdminPassword);
        using var response = await admin.SendAsync(HttpMethod.Get, "/api/session");
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = admin.Cookies }) { BaseAddress = _fixture.HttpAddress };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "wrong-key");
        using var withWrongKey = await http.GetAsync("/api/rules");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withWrongKey.StatusCode);
    }

    /// <summary>Many receivers take the URL as their credential (a token in the path or query): read-only sees its origin only.</summary>
    [Fact]
    public async Task A_read_only_session_sees_a_webhook_url_cut_to_its_origin_and_the_admin_sees_it_whole()
    {
        const string url = "https://hooks.example.com/services/T000/B000/secret-token?key=abc";
        using var admin = await _fixture.SignInAsync(SecuredAdminFixture.AdminPassword);
        using var viewer = await _fixture.SignInAsync(SecuredAdminFixture.ReadOnlyPassword);
        using var saved = await admin.SendAsync(HttpMethod.Put, "/api/webhooks/url-probe",
            $$"""{"url": "{{url}}", "secret": "s3cret", "events": ["job.dead"]}""");
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);

        var asAdmin = await AdminClient.ReadAsync(await admin.SendAsync(HttpMethod.Get, "/api/webhooks/url-probe"));
        var asViewer = await AdminClient.ReadAsync(await viewer.SendAsync(HttpMethod.Get, "/api/webhooks/url-probe"));
        var listed = await AdminClient.ReadAsync(await viewer.SendAsync(HttpMethod.Get, "/api/webhooks"));

        Assert.Equal(url, asAdmin.GetProperty("url").GetString());
        Assert.Equal("https://hooks.example.com/…", asViewer.GetProperty("url").GetString());
        Assert.DoesNotContain("secret-token", listed.ToString(), StringComparison.Ordinal);
    }

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");
}
