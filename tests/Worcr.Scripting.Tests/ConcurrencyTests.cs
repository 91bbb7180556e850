namespace Worcr.Scripting.Tests;

public sealed class ConcurrencyTests
{
    [Theory]
    [InlineData(RuleLanguage.Lua, "function weight(job, worker) return job.attempt * 2 end")]
    [InlineData(RuleLanguage.JavaScript, "function weight(job, worker) { return job.attempt * 2; }")]
    public async Task Calls_from_several_threads_each_get_their_own_answer(RuleLanguage language, string code)
    {
        using var rule = Facts.Compile(language, code);
        using var start = new ManualResetEventSlim();

        var workers = Enumerable.Range(1, 4).Select(thread => Task.Run(() =>
        {
            start.Wait();
            return Enumerable.Range(0, 200).All(i => rule.EvaluateWeight(Facts.Job(attempt: thread * 1000 + i), Facts.Worker()) == (thread * 1000 + i) * 2);
        })).ToArray();
        start.Set();

        Assert.All(await Task.WhenAll(workers), Assert.True);
    }
}
