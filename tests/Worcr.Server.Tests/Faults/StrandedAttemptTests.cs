using System.Globalization;
using Npgsql;
using Worcr.Core.Jobs;
using Worcr.LocalServices;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Testing;
using Worcr.Worker;

namespace Worcr.Server.Tests.Faults;

/// <summary>
/// A node that loses PostgreSQL for longer than a lease cannot renew its workers' leases, and cannot hear the cancel
/// the leader announces (by NOTIFY) when it requeues them. The node reaches PostgreSQL through a <see cref="TcpProxy"/>
/// that the test cuts, so it hears nothing at all for as long as the test wants, while the leader (here the test
/// itself, with the lease reaper's own statement) and another node keep PostgreSQL. The order is then fixed: the
/// stranded attempt's lease runs out, it is requeued, and another worker starts the next attempt; only what the node
/// did on its own can have stopped the first.
/// </summary>
public sealed class StrandedAttemptTests(FaultServers servers) : IClassFixture<FaultServers>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_node_cut_off_from_PostgreSQL_stops_its_attempts_before_their_leases_end_so_none_runs_twice_at_once()
    {
        await using var cluster = await TestCluster.StartOnAsync(servers, nodes: 1);
        await using var link = new TcpProxy(servers.Postgres.Port);
        await cluster.AddNodeAsync(o => o.PostgresUrl = new NpgsqlConnectionStringBuilder(servers.Postgres.ConnectionString) { Port = link.Port }.ConnectionString);
        var load = new StrandedLoad();
        cluster.StartWorker(1, load.Register, concurrency: 1);
        var jobId = long.Parse(await cluster.Client().EnqueueAsync(FaultLoad.JobType, "acme"), CultureInfo.InvariantCulture);
        Assert.Equal(jobId, await load.FirstStarted.WaitAsync(Timeout));
        // Connected only now, so the first attempt went to the worker behind the cut node.
        cluster.StartWorker(0, load.Register, concurrency: 1);

        link.Cut();
        // The leader's pass, once the lease has run out by PostgreSQL's clock: requeued, and the cancel announced.
        await Eventually.ReadUntilAsync(async () =>
        {
            await cluster.Database.Jobs.RequeueExpiredLeaseJobsAsync();
            return await cluster.Database.Jobs.GetAsync(jobId);
        }, job => job is not { State: JobState.Running, Attempt: 1 }, Timeout, "the first attempt's lease to be reaped");

        var firstStillRunning = await load.RerunStarted.WaitAsync(Timeout);
        Assert.False(firstStillRunning, "the next attempt started while the first still ran on the cut-off node's worker, never told to stop");
        // The first attempt was stopped: a report it makes afterwards is not sent (the SDK throws, its token having
        // fired; the node, which cannot reach PostgreSQL to ask, would refuse it: StreamBindingTests).
        var late = await load.LateReport.WaitAsync(Timeout);
        Assert.IsAssignableFrom<OperationCanceledException>(late);

        link.Restore();
        await cluster.WaitForCountAsync(JobState.Completed, 1, Timeout);
    }

    /// <summary>The first attempt runs until it is told to stop; the next one completes at once.</summary>
    private sealed class StrandedLoad
    {
        private volatile bool _firstRunning;

        private readonly TaskCompletionSource<long> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<bool> _rerun = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<Exception?> _late = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The job's id, once its first attempt started.</summary>
        public Task<long> FirstStarted => _first.Task;

        /// <summary>Whether the first attempt was still running (not yet told to stop) when the next one started.</summary>
        public Task<bool> RerunStarted => _rerun.Task;

        /// <summary>What a report of the first attempt, sent after it was told to stop, came to (null: accepted).</summary>
        public Task<Exception?> LateReport => _late.Task;

        public void Register(WorcrWorker worker) => worker.Handle(FaultLoad.JobType, HandleAsync);

        private async Task<JobResult> HandleAsync(IJobContext context)
        {
            if (context.Attempt > 1)
            {
                _rerun.TrySetResult(_firstRunning);
                return JobResult.Complete();
            }
            _firstRunning = true;
            using (context.CancellationToken.Register(() => _firstRunning = false))
            {
                _first.TrySetResult(long.Parse(context.JobId, CultureInfo.InvariantCulture));
                await Task.Delay(System.Threading.Timeout.Infinite, context.CancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            try
            {
                await context.CheckpointAsync("late", "1");
                _late.TrySetResult(null);
            }
            catch (Exception refused)
            {
                _late.TrySetResult(refused);
            }
            return JobResult.Complete();
        }
    }
}
