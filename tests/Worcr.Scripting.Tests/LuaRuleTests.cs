namespace Worcr.Scripting.Tests;

public sealed class LuaRuleTests
{
    [Fact]
    public void Weight_rule_sees_job_and_worker_tags()
    {
        using var rule = Facts.Lua("function weight(job, worker) if has(job.tags, 'premium') and has(worker.tags, 'premium') then return 10 end return 1 end");

        Assert.Equal(10, rule.EvaluateWeight(Facts.Job(tags: ["premium"]), Facts.Worker("premium")));
        Assert.Equal(1, rule.EvaluateWeight(Facts.Job(tags: ["basic"]), Facts.Worker("premium")));
    }

    [Fact]
    public void Job_value_carries_every_documented_field()
    {
        using var rule = Facts.Lua("""
            function limit_keys(job)
              return { job.type, job.tenant, job.tags[2], job.args.url, tostring(job.args.n), tostring(job.attempt),
                       tostring(job.enqueued_at), tostring(job.args.list[2]) }
            end
            """, RuleKind.LimitKey);

        var keys = rule.EvaluateLimitKeys(Facts.Job(type: "http.get", tags: ["a", "b"], args: """{"url":"https://x.test/p","n":7,"list":[1,2]}""", attempt: 3));

        Assert.Equal(["http.get", "acme", "b", "https://x.test/p", "7", "3", "1700000000", "2"], keys);
    }

    [Fact]
    public void Worker_value_carries_id_tags_and_job_types()
    {
        using var rule = Facts.Lua("function weight(job, worker) if worker.id == 'worker-1' and has(worker.job_types, 'email.send') and #worker.tags == 2 then return 3 end return 1 end");

        Assert.Equal(3, rule.EvaluateWeight(Facts.Job(), Facts.Worker("a", "b")));
    }

    [Fact]
    public void Enqueue_rule_changes_are_read_with_their_types()
    {
        using var rule = Facts.Lua("""
            function on_enqueue(job)
              return { expires_at = job.enqueued_at + 60, max_attempts = 5, run_at = job.enqueued_at + 1.5,
                       weight = 2.5, tags = { 'x', 'y' }, limit_keys = { 'k' } }
            end
            """, RuleKind.Enqueue);

        var changes = rule.EvaluateEnqueue(Facts.Job());

        Assert.Equal(Facts.EnqueuedAt.AddSeconds(60), changes.ExpiresAt);
        Assert.Equal(5, changes.MaxAttempts);
        Assert.Equal(Facts.EnqueuedAt.AddSeconds(1.5), changes.RunAt);
        Assert.Equal(2.5, changes.Weight);
        Assert.Equal(["x", "y"], changes.ExtraTags);
        Assert.Equal(["k"], changes.LimitKeys);
    }

    [Fact]
    public void Enqueue_rule_returning_nil_changes_nothing()
    {
        using var rule = Facts.Lua("function on_enqueue(job) return nil end", RuleKind.Enqueue);

        Assert.Equal(EnqueueChanges.None, rule.EvaluateEnqueue(Facts.Job()));
    }

    [Fact]
    public void Retry_rule_returns_a_delay_or_gives_up()
    {
        using var rule = Facts.Lua("function retry(job, attempt, error) if error == 'fatal' then return false end if attempt > 2 then return nil end return attempt * 10 end", RuleKind.Retry);

        Assert.Equal(RetryDecision.After(TimeSpan.FromSeconds(20)), rule.EvaluateRetry(Facts.Job(), 2, "timeout"));
        Assert.True(rule.EvaluateRetry(Facts.Job(), 3, "timeout").GiveUp);
        Assert.True(rule.EvaluateRetry(Facts.Job(), 1, "fatal").GiveUp);
    }

    [Fact]
    public void Syntax_error_is_reported_at_compile_time_with_its_line()
    {
        var error = Assert.Throws<RuleCompileException>(() => Facts.Lua("function weight(job, worker)\n  return 1 +\nend", name: "broken"));

        Assert.Equal("broken", error.RuleName);
        Assert.Equal(3, error.Line);
        Assert.Contains("rule 'broken' (lua)", error.Message);
    }

    [Fact]
    public void Missing_function_for_the_kind_is_a_compile_error()
    {
        var error = Assert.Throws<RuleCompileException>(() => Facts.Lua("function weight(job, worker) return 1 end", RuleKind.Retry));

        Assert.Contains("retry()", error.Message);
    }

    [Fact]
    public void Runtime_error_names_the_rule_and_the_script_error()
    {
        using var rule = Facts.Lua("function weight(job, worker) error('no weight for you') end", name: "grumpy");

        var error = Assert.Throws<RuleExecutionException>(() => rule.EvaluateWeight(Facts.Job(), Facts.Worker()));

        Assert.Equal("grumpy", error.RuleName);
        Assert.Equal("rule 'grumpy' (lua) threw: no weight for you (line 1)", error.Message);
    }

    [Fact]
    public void Rule_keeps_working_after_a_script_error()
    {
        using var rule = Facts.Lua(Facts.SpinnableWeight(RuleLanguage.Lua, "error('boom')"));

        Assert.Throws<RuleExecutionException>(() => rule.EvaluateWeight(Facts.Spinning, Facts.Worker()));
        Assert.Throws<RuleExecutionException>(() => rule.EvaluateWeight(Facts.Spinning, Facts.Worker()));

        Assert.Equal(2, rule.EvaluateWeight(Facts.Job(), Facts.Worker()));
    }

    [Fact]
    public void Top_level_code_that_loops_forever_fails_compilation()
    {
        var error = Assert.Throws<RuleCompileException>(() => Facts.Lua("while true do end\nfunction weight() return 1 end"));

        Assert.Contains("instruction budget", error.Message);
    }

    [Fact]
    public void Binary_chunks_are_refused()
    {
        var error = Assert.Throws<RuleCompileException>(() => Facts.Lua("\u001bLua\u0054\u0000junk"));

        Assert.Contains("binary", error.Message);
    }
}
