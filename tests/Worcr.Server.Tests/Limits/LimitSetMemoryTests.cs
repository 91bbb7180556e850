using Worcr.Server.Limits;

namespace Worcr.Server.Tests.Limits;

public sealed class LimitSetMemoryTests
{
    [Fact]
    public void Limit_keys_from_job_args_are_remembered_within_a_bound_and_still_answer_correctly()
    {
        var perHost = new LimitDefinition("per-host", Redis.Limits.LimitKind.Concurrency, new LimitMatch("key", null, "host:*"), 2, TimeSpan.Zero, 0, LimitMode.Job, true, "api");
        var set = new LimitSet([perHost]);

        for (var host = 0; host < LimitSet.KeysKept * 3; host++) Assert.Single(set.JobLimitsOn($"host:{host}.example.com"));

        Assert.InRange(set.RememberedKeys, 1, LimitSet.KeysKept);
        Assert.Empty(set.JobLimitsOn("tenant:acme"));
    }
}
