using Microsoft.Extensions.Logging.Abstractions;
using Worcr.Scripting;
using Worcr.Server.Limits;
using Worcr.Server.Rules;

namespace Worcr.Server.Tests.Rules;

/// <summary>A rule's values pass the checks a producer's or a worker's would; one that does not is a failed rule.</summary>
public sealed class RuleChangeCheckTests
{
    private static readonly JobFacts Job = new("email", "acme", ["eu"], "{}", 1, DateTimeOffset.UtcNow);

    [Theory]
    [InlineData("return { tags = { 'ok', 'bad\\0tag' } }", "tag")]
    [InlineData("local t = {} for i = 1, 40 do t[i] = 't' .. i end return { tags = t }", "at most 32 tags")]
    [InlineData("return { tags = { string.rep('x', 101) } }", "tag")]
    [InlineData("return { expires_at = 253402300000 }", "expires_at")]
    [InlineData("return { run_at = 253402300000 }", "run_at")]
    public void An_enqueue_rule_whose_changes_a_producer_could_not_send_changes_nothing_and_is_reported(string body, string named)
    {
        using var bad = Lua("bad", RuleKind.Enqueue, $"function on_enqueue(job) {body} end");
        using var good = Lua("good", RuleKind.Enqueue, "function on_enqueue(job) return { tags = { 'checked' }, max_attempts = 7 } end");
        var book = Book(enqueue: [bad, good]);

        var (changes, errors) = book.ApplyEnqueue(Job);

        Assert.Equal(["checked"], changes.ExtraTags);
        Assert.Equal(7, changes.MaxAttempts);
        Assert.Null(changes.ExpiresAt);
        Assert.Null(changes.RunAt);
        var error = Assert.Single(errors);
        Assert.StartsWith("rule 'bad' returned changes that were not applied: ", error, StringComparison.Ordinal);
        Assert.Contains(named, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_retry_delay_past_the_furthest_a_job_may_be_scheduled_is_not_used()
    {
        using var rule = Lua("forever", RuleKind.Retry, "function retry(job, attempt, error) return 4.5e11 end");

        var (decision, error) = Book(retry: [rule]).DecideRetry(Job, 1, "boom");

        Assert.Null(decision);
        Assert.StartsWith("rule 'forever' returned a delay that was not used: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_retry_delay_within_the_horizon_is_used()
    {
        using var rule = Lua("hourly", RuleKind.Retry, "function retry(job, attempt, error) return 3600 end");

        var (decision, error) = Book(retry: [rule]).DecideRetry(Job, 1, "boom");

        Assert.Equal(TimeSpan.FromHours(1), decision?.Delay);
        Assert.Null(error);
    }

    [Fact]
    public void A_limit_key_with_nul_is_dropped_as_one_with_braces_is()
    {
        var kept = LimitKeys.Normalise(["host:a", "host:\0b", "{slot}", "host:c"], NullLogger.Instance);

        Assert.Equal(["host:a", "host:c"], kept);
    }

    private static ICompiledRule Lua(string name, RuleKind kind, string code) =>
        RuleCompiler.Compile(new RuleSource(name, kind, RuleLanguage.Lua, code));

    private static RuleBook Book(IReadOnlyList<ICompiledRule>? enqueue = null, IReadOnlyList<ICompiledRule>? retry = null) =>
        new("v1", new WeightEvaluator([]), enqueue ?? [], retry ?? [], [], [], []);
}
