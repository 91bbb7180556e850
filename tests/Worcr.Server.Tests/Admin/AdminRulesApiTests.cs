using System.Net;
using System.Text.Json;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Admin;

/// <summary>The rules admin API (/api/rules) on a real node: list, save, delete, validate and explain.</summary>
public sealed class AdminRulesApiTests : IClassFixture<AdminNodeFixture>
{
    private const string LuaBoost = """
        function weight(job, worker)
          if has(job.tags, 'boostme') then return 3 end
          return 1
        end
        """;

    private readonly AdminClient _admin;

    public AdminRulesApiTests(AdminNodeFixture fixture) => _admin = fixture.Admin;

    private static object Explain(string[] jobTags, string[] workerTags, object? draft = null) => draft is null
        ? new { job = new { type = "test.echo", tenant = "acme", tags = jobTags }, worker = new { tags = workerTags } }
        : new { job = new { type = "test.echo", tenant = "acme", tags = jobTags }, worker = new { tags = workerTags }, draft };

    private static async Task<(HttpStatusCode Status, JsonElement Body)> ReadAsync(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        return (response.StatusCode, await AdminClient.ReadAsync(response));
    }

    public static TheoryData<string, object, string> UnboundedExplains => new()
    {
        { "a million job tags", new { job = new { type = "test.echo", tags = Enumerable.Repeat("t", 1_000_000) }, worker = new { tags = new[] { "w" } } }, "job.tags" },
        { "33 worker tags", new { job = new { type = "test.echo" }, worker = new { tags = Enumerable.Range(0, 33).Select(i => $"w{i}") } }, "worker.tags" },
        { "a worker tag of 101 characters", new { job = new { type = "test.echo" }, worker = new { tags = new[] { new string('w', 101) } } }, "worker.tags[0]" },
        { "1,001 worker job types", new { job = new { type = "test.echo" }, worker = new { tags = new[] { "w" }, job_types = Enumerable.Range(0, 1_001).Select(i => $"t{i}") } }, "worker.job_types" },
    };

    /// <summary>
    /// Explain is open to the read-only role, and each rule call copies the job's and the worker's tags and types into
    /// the script before its budget starts: a million tags cost seconds of the node's CPU per request.
    /// </summary>
    [Theory]
    [MemberData(nameof(UnboundedExplains))]
    public async Task An_explain_with_more_tags_or_types_than_a_job_or_worker_may_have_gets_400_naming_the_field(string what, object request, string field)
    {
        var (status, body) = await ReadAsync(_admin.PostAsync("/api/rules/explain", request));

        Assert.True(status == HttpStatusCode.BadRequest, $"{what}: {status}");
        Assert.Contains($"'{field}", body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listing_shows_file_rules_with_their_code_and_the_rules_version()
    {
        var body = await _admin.GetJsonAsync("/api/rules");
        var boost = await _admin.FindRuleAsync("premium-boost");

        Assert.StartsWith("db", body.GetProperty("version").GetString(), StringComparison.Ordinal);
        Assert.NotNull(boost);
        Assert.Equal("file", boost.Value.GetProperty("origin").GetString());
        Assert.Equal("weight", boost.Value.GetProperty("kind").GetString());
        Assert.Equal("lua", boost.Value.GetProperty("language").GetString());
        Assert.Contains("function weight(job, worker)", boost.Value.GetProperty("code").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, boost.Value.GetProperty("error").ValueKind);
    }

    [Fact]
    public async Task Saving_a_lua_rule_answers_the_stored_rule_and_lists_it_at_once()
    {
        var (status, saved) = await ReadAsync(_admin.PutAsync("/api/rules/save-lua", new { kind = "weight", language = "lua", code = LuaBoost, order = 7, enabled = true }));
        var listed = await _admin.FindRuleAsync("save-lua");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("save-lua", saved.GetProperty("name").GetString());
        Assert.Equal(1, saved.GetProperty("version").GetInt32());
        Assert.Equal("database", saved.GetProperty("origin").GetString());
        Assert.NotNull(listed);
        Assert.Equal(LuaBoost, listed.Value.GetProperty("code").GetString());
        Assert.Equal(7, listed.Value.GetProperty("order").GetInt32());
    }

    [Fact]
    public async Task Saving_a_rule_again_bumps_its_version()
    {
        await ReadAsync(_admin.PutAsync("/api/rules/save-twice", new { kind = "weight", language = "javascript", code = "function weight(job, worker) { return 1; }" }));

        var (_, saved) = await ReadAsync(_admin.PutAsync("/api/rules/save-twice", new { kind = "weight", language = "javascript", code = "function weight(job, worker) { var neutral = 1; return neutral; }" }));

        Assert.Equal(2, saved.GetProperty("version").GetInt32());
        Assert.Equal(2, (await _admin.FindRuleAsync("save-twice"))!.Value.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task A_disabled_rule_is_listed_as_disabled_and_does_not_weigh()
    {
        const string code = "function weight(job, worker)\n  if has(job.tags, 'offme') then return 0 end\n  return 1\nend";
        await ReadAsync(_admin.PutAsync("/api/rules/switched-off", new { kind = "weight", language = "lua", code, enabled = false }));

        var listed = await _admin.FindRuleAsync("switched-off");
        var (_, explained) = await ReadAsync(_admin.PostAsync("/api/rules/explain", Explain(["offme"], ["anyone"])));

        Assert.False(listed!.Value.GetProperty("enabled").GetBoolean());
        Assert.Equal(code, listed.Value.GetProperty("code").GetString());
        Assert.False(explained.GetProperty("forbidden").GetBoolean());
    }

    [Fact]
    public async Task Lua_syntax_error_gets_400_with_its_line_and_nothing_is_saved()
    {
        const string broken = "function weight(job, worker)\n  local x = 1\n  return x +\nend\n";

        var (status, body) = await ReadAsync(_admin.PutAsync("/api/rules/broken-lua", new { kind = "weight", language = "lua", code = broken }));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(4, body.GetProperty("line").GetInt32());
        Assert.Contains("syntax error", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Null(await _admin.FindRuleAsync("broken-lua"));
    }

    [Fact]
    public async Task Javascript_string_compilation_at_the_top_level_gets_400_with_its_line()
    {
        const string evil = "function weight(job, worker) { return 1; }\neval('1');\n";

        var (status, body) = await ReadAsync(_admin.PutAsync("/api/rules/evil-js", new { kind = "weight", language = "javascript", code = evil }));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(2, body.GetProperty("line").GetInt32());
        Assert.Matches(@"^rule 'evil-js' \(js\) failed while loading: threw: \w*Error", body.GetProperty("error").GetString());
        Assert.Null(await _admin.FindRuleAsync("evil-js"));
    }

    [Theory]
    [InlineData("{\"kind\": \"weight\", \"language\": \"lua\"", "not valid JSON")]
    [InlineData("{\"kind\": \"sometimes\", \"language\": \"lua\", \"code\": \"x\"}", "'kind'")]
    [InlineData("{\"kind\": \"weight\", \"language\": \"python\", \"code\": \"x\"}", "'language'")]
    [InlineData("{\"language\": \"lua\", \"code\": \"x\"}", "'kind'")]
    [InlineData("{\"kind\": \"weight\", \"language\": \"lua\"}", "'code'")]
    [InlineData("{\"kind\": \"weight\", \"language\": \"lua\", \"code\": \"x\", \"order\": \"first\"}", "'order'")]
    [InlineData("{\"kind\": \"retry\", \"language\": \"tag_match\", \"tag_match\": {\"action\": \"forbid\"}}", "'kind'")]
    [InlineData("{\"kind\": \"weight\", \"language\": \"tag_match\", \"code\": \"{}\", \"tag_match\": {}}", "not both")]
    [InlineData("null", "JSON object")]
    public async Task Bad_request_body_gets_400_naming_the_problem(string body, string expected)
    {
        var (status, answer) = await ReadAsync(_admin.SendRawAsync(HttpMethod.Put, "/api/rules/bad-body", body));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, answer.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Null(await _admin.FindRuleAsync("bad-body"));
    }

    [Theory]
    [InlineData("Upper-Case")]
    [InlineData("-leading-dash")]
    [InlineData("has%20space")]
    public async Task Invalid_rule_name_gets_400(string name)
    {
        var (status, body) = await ReadAsync(_admin.PutAsync($"/api/rules/{name}", new { kind = "weight", language = "lua", code = LuaBoost }));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("name", body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_tag_match_json_gets_400_with_its_line()
    {
        const string definition = "{\n  \"action\": \"multiply\",\n  \"factor\": oops\n}";

        var (status, body) = await ReadAsync(_admin.PutAsync("/api/rules/bad-tags", new { kind = "weight", language = "tag_match", code = definition }));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(3, body.GetProperty("line").GetInt32());
    }

    [Fact]
    public async Task Deleting_a_rule_answers_204_and_removes_it_from_the_listing()
    {
        await ReadAsync(_admin.PutAsync("/api/rules/to-delete", new { kind = "weight", language = "lua", code = LuaBoost }));

        using var response = await _admin.DeleteAsync("/api/rules/to-delete");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Null(await _admin.FindRuleAsync("to-delete"));
    }

    [Fact]
    public async Task A_deleted_rule_can_be_saved_again_and_its_version_counts_on_after_the_deletion()
    {
        await ReadAsync(_admin.PutAsync("/api/rules/reborn", new { kind = "weight", language = "lua", code = LuaBoost }));
        using (var deleted = await _admin.DeleteAsync("/api/rules/reborn")) Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        using var again = await _admin.PutAsync("/api/rules/reborn", new { kind = "weight", language = "lua", code = LuaBoost });

        Assert.Equal(HttpStatusCode.OK, again.StatusCode); // was 500: the new row's version 1 was already in rule_versions
        Assert.Equal(3, (await AdminClient.ReadAsync(again)).GetProperty("version").GetInt32()); // 1 saved, 2 deleted
        Assert.Equal(3, (await _admin.FindRuleAsync("reborn"))!.Value.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Deleting_a_missing_rule_gets_404()
    {
        var (status, body) = await ReadAsync(_admin.DeleteAsync("/api/rules/never-saved"));

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("never-saved", body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_accepts_a_good_rule_without_saving_it()
    {
        var (status, body) = await ReadAsync(_admin.PostAsync("/api/rules/validate", new { name = "only-checked", kind = "weight", language = "lua", code = LuaBoost }));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.GetProperty("ok").GetBoolean());
        Assert.Null(await _admin.FindRuleAsync("only-checked"));
    }

    [Fact]
    public async Task Validate_refuses_a_lua_syntax_error_with_its_line()
    {
        var (status, body) = await ReadAsync(_admin.PostAsync("/api/rules/validate", new { kind = "weight", language = "lua", code = "\n\nfunction weight(job, worker\n  return 1\nend" }));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.False(body.GetProperty("ok").GetBoolean());
        Assert.Equal(4, body.GetProperty("line").GetInt32());
    }

    [Fact]
    public async Task A_saved_tag_match_rule_changes_the_explained_multiplier()
    {
        var request = Explain(["tm-gold"], ["tm-fast"]);
        var (_, before) = await ReadAsync(_admin.PostAsync("/api/rules/explain", request));

        var (status, _) = await ReadAsync(_admin.PutAsync("/api/rules/tm-gold-fast", new
        {
            kind = "weight",
            language = "tag_match",
            tag_match = new { job_all = new[] { "tm-gold" }, worker_all = new[] { "tm-fast" }, action = "multiply", factor = 4 },
        }));
        var (_, after) = await ReadAsync(_admin.PostAsync("/api/rules/explain", request));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, before.GetProperty("multiplier").GetDouble());
        Assert.Equal(4, after.GetProperty("multiplier").GetDouble());
        Assert.Contains(after.GetProperty("trace").EnumerateArray(), t => t.GetProperty("rule").GetString() == "tm-gold-fast" && t.GetProperty("factor").GetDouble() == 4);
        Assert.NotEqual(before.GetProperty("version").GetString(), after.GetProperty("version").GetString());
    }

    [Fact]
    public async Task A_forbid_tag_match_saved_as_a_code_string_makes_explain_forbidden()
    {
        const string definition = """{"job_all": ["tm-secret"], "worker_none": ["tm-cleared"], "action": "forbid"}""";
        await ReadAsync(_admin.PutAsync("/api/rules/tm-secret", new { kind = "weight", language = "tag_match", code = definition }));

        var (status, body) = await ReadAsync(_admin.PostAsync("/api/rules/explain", Explain(["tm-secret"], ["tm-other"])));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.GetProperty("forbidden").GetBoolean());
        Assert.Equal(0, body.GetProperty("multiplier").GetDouble());
    }

    [Fact]
    public async Task Explain_runs_the_file_rules_on_the_jobs_lane_facts()
    {
        var (status, body) = await ReadAsync(_admin.PostAsync("/api/rules/explain", Explain(["vip"], ["vip"])));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(10, body.GetProperty("multiplier").GetDouble());
        Assert.Contains(body.GetProperty("trace").EnumerateArray(), t => t.GetProperty("rule").GetString() == "vip-boost" && t.GetProperty("factor").GetDouble() == 10);
        Assert.Empty(body.GetProperty("errors").EnumerateArray());
    }

    [Fact]
    public async Task Explain_with_a_draft_evaluates_as_if_it_were_saved_and_saves_nothing()
    {
        const string code = "function weight(job, worker)\n  if has(job.tags, 'draftme') then return 3 end\n  return 1\nend";
        var draft = new { name = "draft-boost", kind = "weight", language = "lua", code };

        var (status, body) = await ReadAsync(_admin.PostAsync("/api/rules/explain", Explain(["draftme"], ["anyone"], draft)));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, body.GetProperty("multiplier").GetDouble());
        Assert.Contains(body.GetProperty("trace").EnumerateArray(), t => t.GetProperty("rule").GetString() == "draft-boost");
        Assert.Null(await _admin.FindRuleAsync("draft-boost"));
    }

    [Fact]
    public async Task A_draft_replaces_the_live_rule_of_the_same_name()
    {
        var draft = new { name = "vip-boost", kind = "weight", language = "javascript", code = "function weight(job, worker) { return 2; }" };

        var (_, body) = await ReadAsync(_admin.PostAsync("/api/rules/explain", Explain(["vip"], ["vip"], draft)));

        Assert.Equal(2, body.GetProperty("multiplier").GetDouble());
        Assert.Single(body.GetProperty("trace").EnumerateArray(), t => t.GetProperty("rule").GetString() == "vip-boost");
    }

    [Fact]
    public async Task Explain_with_a_broken_draft_gets_400_with_its_line()
    {
        var draft = new { kind = "weight", language = "lua", code = "function weight(job, worker)\n  return )\nend" };

        var (status, body) = await ReadAsync(_admin.PostAsync("/api/rules/explain", Explain(["x"], ["y"], draft)));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(2, body.GetProperty("line").GetInt32());
        Assert.Contains("draft", body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"worker\": {\"tags\": []}}", "'job'")]
    [InlineData("{\"job\": {\"tenant\": \"acme\"}, \"worker\": {}}", "'job.type'")]
    [InlineData("{\"job\": {\"type\": \"test.echo\"}}", "'worker'")]
    [InlineData("{\"job\": {\"type\": \"test.echo\", \"tags\": \"premium\"}, \"worker\": {}}", "'job.tags'")]
    public async Task Explain_without_its_facts_gets_400_naming_the_field(string body, string expected)
    {
        var (status, answer) = await ReadAsync(_admin.SendRawAsync(HttpMethod.Post, "/api/rules/explain", body));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, answer.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
