using Worcr.Protocol.V1;
using Worcr.Server.Hosting;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests.WorkerSdk;

/// <summary>
/// A handler's report over the node's limits (a result, a log line, a checkpoint) is dealt with on the worker, for its
/// job only. Sent as it was, a message over the 4 MiB gRPC limit failed its write, the SDK took that for a lost stream,
/// and every other job on the worker was released and run again, an attempt used up each time.
/// </summary>
public sealed class OversizedReportTests
{
    private const int OverTheMessageLimit = 5 * 1024 * 1024;

    [Fact]
    public async Task A_result_over_the_limit_fails_its_job_and_the_other_jobs_on_the_worker_run_on()
    {
        await using var worker = await WorkerWithBystander.StartAsync(_ =>
            Task.FromResult(JobResult.Complete(new { blob = new string('x', OverTheMessageLimit) })));

        var job = await worker.Client.WaitForStateAsync(await worker.EnqueueAsync(), JobState.Dead);

        Assert.Equal(1, job.Attempt);
        Assert.StartsWith("result too large: ", job.LastError, StringComparison.Ordinal);
        await worker.BystanderRunsOnAsync();
    }

    [Fact]
    public async Task A_log_line_over_the_limit_is_cut_and_its_job_and_the_others_run_on()
    {
        await using var worker = await WorkerWithBystander.StartAsync(context =>
        {
            context.Log("info", new string('x', OverTheMessageLimit));
            return Task.FromResult(JobResult.Complete());
        });

        var job = await worker.Client.WaitForStateAsync(await worker.EnqueueAsync(), JobState.Completed);

        Assert.Equal(1, job.Attempt);
        await worker.BystanderRunsOnAsync();
    }

    [Fact]
    public async Task A_checkpoint_over_the_limit_throws_to_its_handler_and_the_other_jobs_run_on()
    {
        await using var worker = await WorkerWithBystander.StartAsync(async context =>
        {
            try
            {
                await context.CheckpointAsync("big", new string('x', OverTheMessageLimit));
                return JobResult.Fail("the checkpoint was sent", retryable: false);
            }
            catch (ArgumentException refused)
            {
                return JobResult.Complete(new { refused = refused.ParamName });
            }
        });

        var job = await worker.Client.WaitForStateAsync(await worker.EnqueueAsync(), JobState.Completed);

        Assert.Equal(1, job.Attempt);
        Assert.Equal("""{"refused":"value"}""", job.ResultJson);
        await worker.BystanderRunsOnAsync();
    }

    [Fact]
    public async Task On_a_node_with_a_smaller_message_limit_a_result_over_it_fails_its_job_and_the_other_jobs_run_on()
    {
        await using var worker = await WorkerWithBystander.StartAsync(
            _ => Task.FromResult(JobResult.Complete(new { blob = new string('x', 2 * SmallNodeLimit) })), SmallMessageLimit);

        var job = await worker.Client.WaitForStateAsync(await worker.EnqueueAsync(), JobState.Dead);

        Assert.Equal(1, job.Attempt);
        Assert.StartsWith("result too large for the node's message limit: ", job.LastError, StringComparison.Ordinal);
        Assert.Contains($"at most {SmallNodeLimit} bytes", job.LastError, StringComparison.Ordinal);
        await worker.BystanderRunsOnAsync();
    }

    [Fact]
    public async Task On_a_node_with_a_smaller_message_limit_a_checkpoint_over_it_is_refused_to_its_handler_and_the_other_jobs_run_on()
    {
        await using var worker = await WorkerWithBystander.StartAsync(async context =>
        {
            try
            {
                await context.CheckpointAsync("big", new string('x', 2 * SmallNodeLimit));
                return JobResult.Fail("the checkpoint was stored", retryable: false);
            }
            catch (WorcrNodeException refused)
            {
                return JobResult.Complete(new { refused = refused.Message.Contains($"over the {SmallNodeLimit}-byte message limit", StringComparison.Ordinal) });
            }
        }, SmallMessageLimit);

        var job = await worker.Client.WaitForStateAsync(await worker.EnqueueAsync(), JobState.Completed);

        Assert.Equal(1, job.Attempt);
        Assert.Equal("""{"refused":true}""", job.ResultJson);
        await worker.BystanderRunsOnAsync();
    }

    // Below the SDK's 4 MiB and the 64 KiB checkpoint limit: only the node's Welcome tells the worker.
    private const int SmallNodeLimit = 16 * 1024;

    private static void SmallMessageLimit(NodeOptions options) => options.MaxMessageSize = SmallNodeLimit;

    /// <summary>
    /// A worker running two job types: "test.slow", the bystander, already running when the test's job comes, and
    /// "test.echo", the handler under test. Both jobs have one attempt: losing the stream would make them dead.
    /// </summary>
    private sealed class WorkerWithBystander : IAsyncDisposable
    {
        private readonly TestCluster _cluster;
        private readonly TaskCompletionSource _bystanderStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _bystanderMayEnd = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private string _bystander = "";
        private int _bystanderStarts;

        private WorkerWithBystander(TestCluster cluster)
        {
            _cluster = cluster;
            Client = cluster.Client();
        }

        public WorcrClient Client { get; }

        public static async Task<WorkerWithBystander> StartAsync(JobHandler handler, Action<NodeOptions>? configure = null)
        {
            var worker = new WorkerWithBystander(await TestCluster.StartAsync(configure: configure));
            worker._cluster.StartWorker(0, w => w
                .Handle("test.slow", async _ =>
                {
                    Interlocked.Increment(ref worker._bystanderStarts);
                    worker._bystanderStarted.TrySetResult();
                    await worker._bystanderMayEnd.Task;
                    return JobResult.Complete();
                })
                .Handle("test.echo", handler), concurrency: 2);
            worker._bystander = await worker.Client.EnqueueAsync(new JobSpec { Type = "test.slow", Tenant = "acme", MaxAttempts = 1 });
            await worker._bystanderStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
            return worker;
        }

        /// <summary>The job under test, on the same worker as the bystander.</summary>
        public Task<string> EnqueueAsync() => Client.EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "acme", MaxAttempts = 1 });

        /// <summary>The bystander still runs its first attempt, and completes in it once let.</summary>
        public async Task BystanderRunsOnAsync()
        {
            var running = await Client.GetAsync(_bystander);
            Assert.Equal((JobState.Running, 1), (running.State, running.Attempt));
            _bystanderMayEnd.SetResult();
            var completed = await Client.WaitForStateAsync(_bystander, JobState.Completed);
            Assert.Equal(1, completed.Attempt);
            Assert.Equal(1, Volatile.Read(ref _bystanderStarts));
        }

        public async ValueTask DisposeAsync()
        {
            _bystanderMayEnd.TrySetResult();
            await _cluster.DisposeAsync();
        }
    }
}
