using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests.Limits;

/// <summary>Workers.AcquireLimit through the .NET SDK's JobContext.AcquireLimitAsync, end to end.</summary>
public sealed class AcquireLimitTests
{
    private static readonly object PaymentsApi = new { name = "payments-api", kind = "fixed_window", match = new { by = "key", value = "payments-api" }, capacity = 2, period = "1h", mode = "rate" };
    private static readonly object PerHostRate = new { name = "host-rate", kind = "token_bucket", match = new { by = "key", value = "host:*" }, capacity = 10, period = "1s", burst = 1, mode = "rate" };
    private static readonly object BulkApi = new { name = "bulk-api", kind = "sliding_window", match = new { by = "key", value = "bulk-api" }, capacity = 1_000_000, period = "1s", mode = "rate" };

    /// <summary>Runs <paramref name="body"/> inside a job handler (where an IJobContext exists) and returns what it returned.</summary>
    private static async Task<T> InJobAsync<T>(Func<IJobContext, Task<T>> body)
    {
        using var rules = new RuleFiles().With("limits.json", LimitJobs.File(PaymentsApi, PerHostRate, BulkApi));
        await using var cluster = await TestCluster.StartAsync(configure: o => o.RulesDirectory = rules.Path);
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.StartWorker(0, w => w.Handle("test.echo", async context =>
        {
            try
            {
                result.TrySetResult(await body(context));
            }
            catch (Exception exception)
            {
                result.TrySetException(exception);
            }
            return JobResult.Complete();
        }), concurrency: 1);
        await cluster.Client().EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "acme" });
        return await result.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_rate_limit_grants_its_capacity_then_answers_retry_after()
    {
        var answers = await InJobAsync(async context => new[]
        {
            await context.AcquireLimitAsync("payments-api"),
            await context.AcquireLimitAsync("payments-api"),
            await context.AcquireLimitAsync("payments-api"),
        });

        Assert.Equal([true, true, false], answers.Select(a => a.Granted));
        Assert.InRange(answers[2].RetryAfter, TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1));
        Assert.Equal(0, answers[1].Remaining);
    }

    [Fact]
    public async Task With_wait_the_node_waits_for_the_next_token_instead_of_refusing()
    {
        // A key under the "host:*" pattern: burst 1, then one token every 100 ms.
        var answers = await InJobAsync(async context => new[]
        {
            await context.AcquireLimitAsync("host:pay.example.com", wait: true, maxWait: TimeSpan.FromSeconds(5)),
            await context.AcquireLimitAsync("host:pay.example.com", wait: true, maxWait: TimeSpan.FromSeconds(5)),
            await context.AcquireLimitAsync("host:pay.example.com"),
        });

        Assert.Equal([true, true, false], answers.Select(a => a.Granted));
    }

    [Fact]
    public async Task A_key_no_rate_limit_covers_is_not_found() =>
        Assert.Equal(WorcrErrorCode.NotFound, await AcquireStatusAsync("nobody-limits-this", cost: 1));

    [Fact]
    public async Task A_cost_above_what_the_limit_ever_grants_is_invalid() =>
        Assert.Equal(WorcrErrorCode.InvalidArgument, await AcquireStatusAsync("payments-api", cost: 3));

    /// <summary>A sliding window adds one entry per unit inside one script: a cost the capacity allows could still hold Redis for a second.</summary>
    [Fact]
    public async Task A_sliding_window_cost_above_ten_thousand_is_invalid_whatever_the_capacity() =>
        Assert.Equal(WorcrErrorCode.InvalidArgument, await AcquireStatusAsync("bulk-api", cost: 10_001));

    /// <summary>What the node answers one AcquireLimit call from inside a job: Ok, or the error's code.</summary>
    private static Task<WorcrErrorCode> AcquireStatusAsync(string key, int cost) => InJobAsync(async context =>
    {
        try
        {
            await context.AcquireLimitAsync(key, cost: cost);
            return WorcrErrorCode.Ok;
        }
        catch (WorcrNodeException exception)
        {
            return exception.Code;
        }
    });
}
