using Google.Protobuf.WellKnownTypes;
using Worcr.LocalServices;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Server.Transport;
using JobState = Worcr.Core.Jobs.JobState;

namespace Worcr.Server.Tests.Workers;

/// <summary>
/// A worker's outcome whose write committed while the connection broke before PostgreSQL's answer came back. The node
/// tries the write again, as for any unreachable PostgreSQL, and the retry finds the attempt no longer running: ended by
/// the first try itself. The worker was then told its outcome was refused ("no longer running") although it was
/// stored. The node reaches PostgreSQL through a <see cref="TcpProxy"/> that lets the COMMIT (or, for a completion,
/// the one statement) through and drops the answer, resetting the connection.
/// </summary>
public sealed class LostCommitAnswerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    // Text each write sends on its first use (before Npgsql prepares it): picks its connection out of the node's.
    private const string YieldStatement = "interval '0' THEN 'scheduled' ELSE 'waiting'";
    private const string FailStatement = "SELECT failures, max_attempts";
    private const string CompleteStatement = "delete_running_attempts";

    [Fact]
    public async Task A_yield_stored_by_a_try_whose_answer_was_lost_is_acknowledged_as_stored()
    {
        await using var setup = await NodeBehindProxyAsync();
        var (worker, job) = await setup.AssignedAsync();
        var lost = setup.Link.LoseAnswer(YieldStatement, "COMMIT");

        var ack = await worker.RequestAsync(new WorkerMessage
        {
            Yield = new Yield { JobId = job.JobId, Attempt = job.Attempt, Delay = Duration.FromTimeSpan(TimeSpan.FromHours(1)) },
        });

        Assert.True(lost.IsCompleted, "the yield's COMMIT was answered: nothing was lost, the test shows nothing");
        Assert.True(ack.Ok, $"the stored yield was answered ok=false: '{ack.Error}'");
        Assert.Equal(JobState.Scheduled, await setup.StateAsync(job));
    }

    [Fact]
    public async Task A_failure_stored_by_a_try_whose_answer_was_lost_is_acknowledged_as_stored()
    {
        await using var setup = await NodeBehindProxyAsync();
        var (worker, job) = await setup.AssignedAsync();
        var lost = setup.Link.LoseAnswer(FailStatement, "COMMIT");

        var ack = await worker.RequestAsync(new WorkerMessage
        {
            Fail = new Fail { JobId = job.JobId, Attempt = job.Attempt, Error = "boom", Retryable = true, RetryAfter = Duration.FromTimeSpan(TimeSpan.FromHours(1)) },
        });

        Assert.True(lost.IsCompleted, "the failure's COMMIT was answered: nothing was lost, the test shows nothing");
        Assert.True(ack.Ok, $"the stored failure was answered ok=false: '{ack.Error}'");
        Assert.Equal(JobState.Failed, await setup.StateAsync(job));
    }

    [Fact]
    public async Task A_completion_stored_by_a_batch_whose_answer_was_lost_is_acknowledged_as_stored()
    {
        await using var setup = await NodeBehindProxyAsync();
        var (worker, job) = await setup.AssignedAsync();
        // One statement, no explicit transaction: PostgreSQL commits it before it sends the rows (buffered until then).
        var lost = setup.Link.LoseAnswer(CompleteStatement);

        var ack = await worker.RequestAsync(new WorkerMessage { Complete = new Complete { JobId = job.JobId, Attempt = job.Attempt } });

        Assert.True(lost.IsCompleted, "the completion's answer came back: nothing was lost, the test shows nothing");
        Assert.True(ack.Ok, $"the stored completion was answered ok=false: '{ack.Error}'");
        Assert.Equal(JobState.Completed, await setup.StateAsync(job));
    }

    [Fact]
    public async Task A_yield_whose_lost_commit_never_arrived_is_still_refused_once_someone_else_ended_the_attempt()
    {
        await using var setup = await NodeBehindProxyAsync();
        var (worker, job) = await setup.AssignedAsync();
        // The COMMIT never reaches PostgreSQL (it rolls back when the connection drops), and the node's tries wait.
        var cut = setup.Link.PartitionBefore(YieldStatement, "COMMIT");

        var answered = worker.RequestAsync(new WorkerMessage
        {
            Yield = new Yield { JobId = job.JobId, Attempt = job.Attempt, Delay = Duration.FromTimeSpan(TimeSpan.FromHours(1)) },
        });
        await cut.WaitAsync(Patience);
        // Meanwhile the attempt is cancelled by someone else (straight in PostgreSQL: the node's own link is stalled).
        // The yield's transaction holds the row until PostgreSQL has rolled it back, so the cancel comes after that.
        var cancelled = await setup.Cluster.Database.Jobs.CancelAsync(setup.Id(job), "cancelled by an operator");
        Assert.True(cancelled.Cancelled);
        setup.Link.Restore();
        var ack = await answered.WaitAsync(Patience);

        Assert.False(ack.Ok, "the worker was told its yield was stored, but the attempt was cancelled before it could be");
        Assert.Equal(JobState.Cancelled, await setup.StateAsync(job));
    }

    [Fact]
    public async Task A_job_buried_as_undeliverable_whose_commit_answer_was_lost_leaves_its_stream_serving()
    {
        await using var setup = await NodeBehindProxyAsync(maxMessageSize: 4096);
        // Jobs are enqueued through a node of ordinary limits, past the link (the small node refuses such a request).
        await setup.Cluster.AddNodeAsync();
        var client = setup.Cluster.Client(node: 1);
        await using var worker = await RawWorker.ConnectAsync(setup.Cluster.Nodes[0], capacity: 1);
        await worker.Welcomed;
        // The Assign of this job cannot be written (over 4096 bytes): the node marks it dead instead, and that COMMIT's
        // answer is lost. Before, the lost answer escaped the burial and ended the stream's outgoing pump: nothing was
        // written to the worker again.
        var lost = setup.Link.LoseAnswer(FailStatement, "COMMIT");
        var big = await client.EnqueueAsync("test.echo", "acme", new { blob = new string('x', 8000) });
        await client.WaitForStateAsync(big, Worcr.Protocol.V1.JobState.Dead);
        var next = await client.EnqueueAsync("test.echo", "acme", new { n = 1 });

        var assign = await worker.NextAssignAsync();

        Assert.True(lost.IsCompleted, "the burial's COMMIT was answered: nothing was lost, the test shows nothing");
        Assert.Equal(next, assign.JobId);
        var done = await worker.RequestAsync(new WorkerMessage { Complete = new Complete { JobId = assign.JobId, Attempt = assign.Attempt } });
        Assert.True(done.Ok, done.Error);
    }

    private static async Task<Setup> NodeBehindProxyAsync(int? maxMessageSize = null)
    {
        var cluster = await TestCluster.StartAsync(nodes: 0);
        var link = await PartitionableNode.LinkAsync();
        await PartitionableNode.AddAsync(cluster, link, o =>
        {
            if (maxMessageSize is { } size) o.MaxMessageSize = size;
        });
        return new Setup(cluster, link);
    }

    private sealed class Setup(TestCluster cluster, TcpProxy link) : IAsyncDisposable
    {
        private RawWorker? _worker;

        public TestCluster Cluster { get; } = cluster;

        public TcpProxy Link { get; } = link;

        /// <summary>A job enqueued and assigned to a raw worker of one slot.</summary>
        public async Task<(RawWorker Worker, Assign Job)> AssignedAsync()
        {
            await Cluster.Client().EnqueueAsync("test.echo", "acme");
            _worker = await RawWorker.ConnectAsync(Cluster.Nodes[0], capacity: 1);
            return (_worker, await _worker.NextAssignAsync());
        }

        public long Id(Assign job) => Messages.ParseJobId(job.JobId)!.Value;

        /// <summary>The job's state in PostgreSQL, read past the node's link.</summary>
        public async Task<JobState> StateAsync(Assign job) => Assert.Single(await Cluster.Database.Jobs.GetStatesAsync([Id(job)])).State;

        public async ValueTask DisposeAsync()
        {
            Link.Restore();
            if (_worker is not null) await _worker.DisposeAsync();
            await Cluster.DisposeAsync();
            await Link.DisposeAsync();
        }
    }
}
