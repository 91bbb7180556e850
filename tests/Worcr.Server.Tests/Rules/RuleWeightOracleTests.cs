using Worcr.Core.Dispatch;
using Worcr.Core.Lanes;
using Worcr.Scripting;
using Worcr.Server.Rules;

namespace Worcr.Server.Tests.Rules;

public sealed class RuleWeightOracleTests
{
    private static readonly Lane LaneA = new(1, "t1", "email", ["eu"], 1);
    private static readonly Lane LaneB = new(2, "t1", "email", ["us"], 1);

    [Fact]
    public void Rules_run_once_per_lane_and_worker_then_the_decision_comes_from_the_cache()
    {
        var rule = new CountingRule(factor: 2);
        var oracle = Oracle(() => Book("v1", rule));
        var worker = Worker("w1");

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(2, oracle.Multiplier(LaneA, worker));
            Assert.Equal(2, oracle.Multiplier(LaneB, worker));
        }

        Assert.Equal(2, rule.Calls);
    }

    [Fact]
    public void A_new_rules_version_decides_again_with_the_new_rules()
    {
        var book = Book("v1", new CountingRule(factor: 2));
        var oracle = Oracle(() => book);
        var worker = Worker("w1");
        Assert.Equal(2, oracle.Multiplier(LaneA, worker));

        book = Book("v2", new CountingRule(factor: 3));

        Assert.Equal(3, oracle.Multiplier(LaneA, worker));
    }

    [Fact]
    public void Each_worker_gets_its_own_decision_since_rules_see_the_worker_id()
    {
        var oracle = Oracle(() => Book("v1", new WorkerIdRule()));

        Assert.Equal(1, oracle.Multiplier(LaneA, Worker("w1")));
        Assert.Equal(0, oracle.Multiplier(LaneA, Worker("w2")));
    }

    [Fact]
    public void Errors_of_a_failed_rule_are_kept_for_the_pair_it_failed_on()
    {
        var oracle = Oracle(() => Book("v1", new FailingRule()));
        var worker = Worker("w1");

        Assert.Equal(1, oracle.Multiplier(LaneA, worker));

        Assert.NotEmpty(oracle.ErrorsFor(LaneA, worker));
        Assert.Empty(oracle.ErrorsFor(LaneB, worker));
        Assert.Empty(oracle.ErrorsFor(LaneA, Worker("w2")));
    }

    private static RuleWeightOracle Oracle(Func<RuleBook> book) => new(book, _ => { });

    private static RuleBook Book(string version, IWeightRule rule) => new(version, new WeightEvaluator([rule]), [], [], [], [], []);

    private static WorkerProfile Worker(string id) => new(id, ["eu"], new HashSet<string>(["email"], StringComparer.Ordinal));

    private sealed class CountingRule(double factor) : IWeightRule
    {
        public int Calls { get; private set; }

        public string Name => "counting";

        public int Order => 0;

        public double EvaluateWeight(JobFacts job, WorkerFacts worker)
        {
            Calls++;
            return factor;
        }
    }

    private sealed class WorkerIdRule : IWeightRule
    {
        public string Name => "only-w1";

        public int Order => 0;

        public double EvaluateWeight(JobFacts job, WorkerFacts worker) => worker.WorkerId == "w1" ? 1 : 0;
    }

    private sealed class FailingRule : IWeightRule
    {
        public string Name => "failing";

        public int Order => 0;

        public double EvaluateWeight(JobFacts job, WorkerFacts worker) => throw new RuleExecutionException("failing", "boom");
    }
}
