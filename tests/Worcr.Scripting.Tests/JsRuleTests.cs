namespace Worcr.Scripting.Tests;

public sealed class JsRuleTests
{
    [Fact]
    public void Weight_rule_sees_job_and_worker_tags()
    {
        using var rule = Facts.Js("function weight(job, worker) { if (has(job.tags, 'vip') && has(worker.tags, 'vip')) { return 10; } return 1; }");

        Assert.Equal(10, rule.EvaluateWeight(Facts.Job(tags: ["vip"]), Facts.Worker("vip")));
        Assert.Equal(1, rule.EvaluateWeight(Facts.Job(tags: ["basic"]), Facts.Worker("vip")));
    }

    [Fact]
    public void Job_and_worker_values_carry_every_documented_field()
    {
        using var rule = Facts.Js("""
            function limit_keys(job) {
              return [job.type, job.tenant, job.tags[1], job.args.url, String(job.args.n), String(job.attempt),
                      String(job.enqueued_at), String(job.args.list[1]), `${job.args.nested.ok}`];
            }
            """, RuleKind.LimitKey);

        var keys = rule.EvaluateLimitKeys(Facts.Job(type: "http.get", tags: ["a", "b"], args: """{"url":"https://x.test/p","n":7,"list":[1,2],"nested":{"ok":true}}""", attempt: 3));

        Assert.Equal(["http.get", "acme", "b", "https://x.test/p", "7", "3", "1700000000", "2", "true"], keys);
    }

    [Fact]
    public void Enqueue_rule_changes_are_read_with_their_types()
    {
        using var rule = Facts.Js("""
            function on_enqueue(job) {
              return { expires_at: job.enqueued_at + 60, max_attempts: 5, weight: 0.5, tags: ['x'], limit_keys: ['k'] };
            }
            """, RuleKind.Enqueue);

        var changes = rule.EvaluateEnqueue(Facts.Job());

        Assert.Equal(Facts.EnqueuedAt.AddSeconds(60), changes.ExpiresAt);
        Assert.Equal(5, changes.MaxAttempts);
        Assert.Null(changes.RunAt);
        Assert.Equal(0.5, changes.Weight);
        Assert.Equal(["x"], changes.ExtraTags);
        Assert.Equal(["k"], changes.LimitKeys);
    }

    [Fact]
    public void Enqueue_rule_returning_undefined_changes_nothing()
    {
        using var rule = Facts.Js("function on_enqueue(job) { }", RuleKind.Enqueue);

        Assert.Equal(EnqueueChanges.None, rule.EvaluateEnqueue(Facts.Job()));
    }

    [Fact]
    public void Retry_rule_returns_a_delay_or_gives_up()
    {
        using var rule = Facts.Js("function retry(job, attempt, error) { if (error === 'fatal') { return false; } return attempt * 10; }", RuleKind.Retry);

        Assert.Equal(RetryDecision.After(TimeSpan.FromSeconds(20)), rule.EvaluateRetry(Facts.Job(), 2, "timeout"));
        Assert.True(rule.EvaluateRetry(Facts.Job(), 1, "fatal").GiveUp);
    }

    [Fact]
    public void Syntax_error_is_reported_at_compile_time_with_its_line()
    {
        var error = Assert.Throws<RuleCompileException>(() => Facts.Js("function weight(job, worker) {\n  return 1 +;\n}", name: "broken"));

        Assert.Equal("broken", error.RuleName);
        Assert.Equal(2, error.Line);
        Assert.Contains("rule 'broken' (js)", error.Message);
    }

    [Fact]
    public void Missing_function_for_the_kind_is_a_compile_error()
    {
        var error = Assert.Throws<RuleCompileException>(() => Facts.Js("function weight(job, worker) { return 1; }", RuleKind.LimitKey));

        Assert.Contains("limit_keys()", error.Message);
    }

    [Fact]
    public void Script_exception_names_the_rule_and_the_error()
    {
        using var rule = Facts.Js("function weight(job, worker) {\n  throw new Error('no weight for you');\n}", name: "grumpy");

        var error = Assert.Throws<RuleExecutionException>(() => rule.EvaluateWeight(Facts.Job(), Facts.Worker()));

        Assert.Equal("grumpy", error.RuleName);
        Assert.Equal("rule 'grumpy' (js) threw: Error: no weight for you (line 2)", error.Message);
    }

    [Fact]
    public void Supported_modern_syntax_compiles_and_runs()
    {
        using var rule = Facts.Js("""
            class Scale { factor(n) { return n * 2; } }
            const base = 1;
            function weight(job, worker, extra = 0) {
              let total = base + extra;
              for (const tag of job.tags) { total += tag.length; }
              const seen = new Set(worker.tags);
              const map = new Map([['k', 1]]);
              if (seen.has('x') && map.get('k') === 1 && [1, 2].includes(2)) { total = new Scale().factor(total); }
              return total;
            }
            """);

        Assert.Equal(8, rule.EvaluateWeight(Facts.Job(tags: ["abc"]), Facts.Worker("x")));
    }

    [Fact]
    public void Guards_do_not_break_switch_statements_or_do_while_loops()
    {
        using var rule = Facts.Js("""
            function weight(job, worker) {
              var n = 0;
              do { n++; } while (n < 3);
              switch (job.type) { case 'a': return 100; default: return n; }
            }
            """);

        Assert.Equal(3, rule.EvaluateWeight(Facts.Job(), Facts.Worker()));
    }
}
