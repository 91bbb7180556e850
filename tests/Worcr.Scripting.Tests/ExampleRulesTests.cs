namespace Worcr.Scripting.Tests;

public sealed class ExampleRulesTests : IDisposable
{
    private readonly Dictionary<string, ICompiledRule> _rules;

    public ExampleRulesTests()
    {
        _rules = RuleFileLoader.LoadDirectory(RulesDirectory()).ToDictionary(source => source.Name, source => RuleCompiler.Compile(source));
    }

    public void Dispose()
    {
        foreach (var rule in _rules.Values)
        {
            rule.Dispose();
        }
    }

    [Fact]
    public void Every_example_rule_loads_and_compiles()
    {
        Assert.Equal(
            ["daily-digest-expiry", "host-limit-key", "payment-retry", "premium-boost", "premium-workers-only-premium", "vip-boost"],
            _rules.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Premium_boost_and_its_vip_twin_do_not_stack()
    {
        var evaluator = new WeightEvaluator(_rules.Values.Where(rule => rule.Source.Kind == RuleKind.Weight));

        Assert.Equal(10, evaluator.Evaluate(Facts.Job(tags: ["premium"]), Facts.Worker("premium")).Multiplier);
        Assert.Equal(10, evaluator.Evaluate(Facts.Job(tags: ["vip"]), Facts.Worker("vip")).Multiplier);
        Assert.Equal(1, evaluator.Evaluate(Facts.Job(tags: ["vip"]), Facts.Worker()).Multiplier);
    }

    [Fact]
    public void Non_premium_jobs_are_forbidden_on_premium_workers()
    {
        var evaluator = new WeightEvaluator(_rules.Values.Where(rule => rule.Source.Kind == RuleKind.Weight));

        var decision = evaluator.Evaluate(Facts.Job(tags: ["basic"]), Facts.Worker("premium"));

        Assert.True(decision.Forbidden);
        Assert.Equal("premium-workers-only-premium", decision.Trace[^1].RuleName);
    }

    [Fact]
    public void Daily_digest_expires_twelve_hours_after_enqueue()
    {
        var rule = _rules["daily-digest-expiry"];

        Assert.Equal(Facts.EnqueuedAt.AddHours(12), rule.EvaluateEnqueue(Facts.Job(type: "email.digest")).ExpiresAt);
        Assert.Equal(EnqueueChanges.None, rule.EvaluateEnqueue(Facts.Job(type: "email.send")));
    }

    [Fact]
    public void Payment_retries_after_30_seconds_2_minutes_10_minutes_then_gives_up()
    {
        var rule = _rules["payment-retry"];
        var payment = Facts.Job(type: "payment.capture");

        Assert.Equal(TimeSpan.FromSeconds(30), rule.EvaluateRetry(payment, 1, "timeout").Delay);
        Assert.Equal(TimeSpan.FromMinutes(2), rule.EvaluateRetry(payment, 2, "timeout").Delay);
        Assert.Equal(TimeSpan.FromMinutes(10), rule.EvaluateRetry(payment, 3, "timeout").Delay);
        Assert.True(rule.EvaluateRetry(payment, 4, "timeout").GiveUp);
        Assert.False(rule.EvaluateRetry(Facts.Job(type: "email.send"), 4, "timeout").GiveUp);
    }

    [Theory]
    [InlineData("""{"url":"https://API.example.com:8443/v1/pay?x=1"}""", "host:api.example.com")]
    [InlineData("""{"url":"http://example.org"}""", "host:example.org")]
    public void Limit_key_names_the_destination_host(string args, string expected)
    {
        Assert.Equal([expected], _rules["host-limit-key"].EvaluateLimitKeys(Facts.Job(args: args)));
    }

    [Fact]
    public void Limit_key_rule_gives_no_key_without_a_url()
    {
        Assert.Empty(_rules["host-limit-key"].EvaluateLimitKeys(Facts.Job(args: """{"n":1}""")));
    }

    private static string RulesDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Worcr.sln")))
            {
                return Path.Combine(dir.FullName, "rules");
            }
        }

        throw new DirectoryNotFoundException("Could not find the repository root (Worcr.sln) above the test binaries.");
    }
}
