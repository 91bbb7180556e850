using Microsoft.Extensions.Logging.Abstractions;
using Worcr.Protocol.V1;
using Worcr.Worker;
using Worcr.Worker.Internal;

namespace Worcr.Server.Tests.WorkerSdk;

/// <summary>
/// A node that takes an attempt back (its lease could not be renewed) may give the job to the same worker again while
/// the old attempt's handler is still stopping. Found by `bench chaos` (pg_restart_10s): the SDK ignored the second
/// Assign, so the new attempt stayed held by the stream, its lease renewed by heartbeats, and never ran.
/// </summary>
public sealed class ReassignedAttemptTests
{
    [Fact]
    public async Task A_new_attempt_of_a_job_still_stopping_on_this_worker_starts_once_the_old_one_has_ended()
    {
        var events = new List<string>();
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var acks = new AckTracker();
        var outbox = new Outbox(acks);
        var handlers = new Dictionary<string, JobHandler>
        {
            ["t"] = async context =>
            {
                lock (events) events.Add($"start {context.Attempt}");
                if (context.Attempt == 2)
                {
                    secondStarted.TrySetResult();
                    return JobResult.Complete();
                }
                firstStarted.TrySetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, context.CancellationToken);
                    return JobResult.Complete();
                }
                finally
                {
                    lock (events) events.Add("end 1");
                }
            },
        };
        var jobs = new SessionJobs(handlers, new NoSessionLink(), outbox, new CreditBatcher(_ => true), new ProgressCoalescer(_ => true),
            new WorkerJobs(8), _ => { }, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        // The node's side of the stream: every outcome is answered (the old attempt's as stale).
        var node = outbox.RunWriterAsync(message =>
        {
            if (message.RequestId != 0) acks.Complete(new Ack { RequestId = message.RequestId, Ok = message.Complete?.Attempt != 1 });
            return Task.CompletedTask;
        }, stop.Token);

        jobs.OnAssign(new Assign { JobId = "7", Attempt = 1, Type = "t" });
        await firstStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        jobs.OnCancel(new Cancel { JobId = "7", Attempt = 1, Reason = "its lease could not be renewed" });
        jobs.OnAssign(new Assign { JobId = "7", Attempt = 2, Type = "t" });

        await secondStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await jobs.WaitAllDoneAsync().WaitAsync(TimeSpan.FromSeconds(30));
        lock (events) Assert.Equal(["start 1", "end 1", "start 2"], events);
        await stop.CancelAsync();
        await node.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <summary>
    /// A leaving worker answers for every job sent before the node's Ack of its Goodbye. A new attempt parked behind an
    /// earlier one still stopping was answered only once that one ended, possibly after the stream closed (then the
    /// node counts the attempt as failed): it is yielded at once instead.
    /// </summary>
    [Fact]
    public async Task A_new_attempt_given_to_a_leaving_worker_is_yielded_at_once_not_after_the_old_one_ends()
    {
        await using var stream = await SlowToStopAttempt.StartAsync();

        stream.Jobs.BeginLeaving();
        stream.GiveSecondAttempt();

        await stream.SecondYielded.WaitAsync(TimeSpan.FromSeconds(30));
        stream.LetFirstEnd();
        await stream.Jobs.WaitAllDoneAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>A new attempt parked behind the earlier one when the worker begins to leave: the leave waits for its answer too.</summary>
    [Fact]
    public async Task A_leave_waits_for_the_answer_to_an_attempt_parked_behind_an_earlier_one()
    {
        await using var stream = await SlowToStopAttempt.StartAsync();
        stream.GiveSecondAttempt();

        stream.Jobs.BeginLeaving();
        var allDone = stream.Jobs.WaitAllDoneAsync();
        stream.LetFirstEnd();
        await allDone.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(stream.SecondYielded.IsCompleted, "the leave ended before the parked attempt was answered");
        Assert.Equal(0, stream.SecondStarts);
    }

    /// <summary>
    /// The node may cancel the new attempt while it waits for the old one (its producer cancelled the job, say). The
    /// Cancel was dropped, as it named an attempt the worker did not run yet, and the attempt ran in full once the old
    /// one ended: its Complete refused, the job held until then. It is answered at once instead, and never started.
    /// </summary>
    [Fact]
    public async Task A_cancel_of_an_attempt_parked_behind_an_earlier_one_answers_it_at_once_and_it_never_starts()
    {
        await using var stream = await SlowToStopAttempt.StartAsync();
        stream.GiveSecondAttempt();

        stream.Jobs.OnCancel(new Cancel { JobId = "7", Attempt = 2, Reason = "cancelled by its producer" });

        // Answered while attempt 1 still runs, with the credit it frees.
        Assert.Equal(1, stream.Credits.Pending);
        var answer = await stream.SecondAnswered.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(("cancelled", false), (answer.Fail?.Error, answer.Fail?.Retryable));

        stream.LetFirstEnd();
        await stream.Jobs.WaitAllDoneAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var sent = await stream.EndAsync();
        Assert.Equal(0, stream.SecondStarts);
        Assert.Single(sent, message => (message.Complete?.Attempt ?? message.Fail?.Attempt ?? message.Yield?.Attempt) == 2);
    }

    [Fact]
    public void An_assign_read_after_the_stream_was_lost_is_not_started()
    {
        var ran = 0;
        var handlers = new Dictionary<string, JobHandler>
        {
            ["t"] = async context =>
            {
                Interlocked.Increment(ref ran);
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
                return JobResult.Complete();
            },
        };
        var jobs = new SessionJobs(handlers, new NoSessionLink(), new Outbox(new AckTracker()), new CreditBatcher(_ => true), new ProgressCoalescer(_ => true),
            new WorkerJobs(8), _ => { }, NullLogger.Instance);

        jobs.AbandonAll();
        jobs.OnAssign(new Assign { JobId = "7", Attempt = 1, Type = "t" });

        // The node gives the attempt to another worker; this one must not hold it, nor start it.
        Assert.Equal(0, jobs.Count);
        Assert.Equal(0, Volatile.Read(ref ran));
    }

    /// <summary>
    /// A stream's jobs whose first attempt of job 7 runs a handler slow to notice its cancellation; the node's side
    /// acknowledges every request and notes what it was sent, and the first answer on attempt 2.
    /// </summary>
    private sealed class SlowToStopAttempt : IAsyncDisposable
    {
        private readonly TaskCompletionSource _firstStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _firstMayEnd = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _secondYielded = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<WorkerMessage> _secondAnswered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<WorkerMessage> _sent = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly Outbox _outbox;
        private readonly Task _node;
        private int _secondStarts;

        private SlowToStopAttempt()
        {
            var acks = new AckTracker();
            var outbox = _outbox = new Outbox(acks);
            var handlers = new Dictionary<string, JobHandler>
            {
                ["t"] = async context =>
                {
                    if (context.Attempt == 2) Interlocked.Increment(ref _secondStarts);
                    _firstStarted.TrySetResult();
                    await _firstMayEnd.Task;
                    return JobResult.Complete();
                },
            };
            Jobs = new SessionJobs(handlers, new NoSessionLink(), outbox, Credits, new ProgressCoalescer(_ => true),
                new WorkerJobs(8), _ => { }, NullLogger.Instance);
            _node = outbox.RunWriterAsync(message =>
            {
                _sent.Add(message);
                if (message.Yield is { Attempt: 2 }) _secondYielded.TrySetResult();
                if ((message.Complete?.Attempt ?? message.Fail?.Attempt ?? message.Yield?.Attempt) == 2) _secondAnswered.TrySetResult(message);
                if (message.RequestId != 0) acks.Complete(new Ack { RequestId = message.RequestId, Ok = true });
                return Task.CompletedTask;
            }, _stop.Token);
        }

        public SessionJobs Jobs { get; }

        /// <summary>The credits given back, never sent: nothing runs the batcher's sender.</summary>
        public CreditBatcher Credits { get; } = new(_ => true);

        public Task SecondYielded => _secondYielded.Task;

        public Task<WorkerMessage> SecondAnswered => _secondAnswered.Task;

        public int SecondStarts => Volatile.Read(ref _secondStarts);

        /// <summary>Attempt 1 of job 7 is running.</summary>
        public static async Task<SlowToStopAttempt> StartAsync()
        {
            var stream = new SlowToStopAttempt();
            stream.Jobs.OnAssign(new Assign { JobId = "7", Attempt = 1, Type = "t" });
            await stream._firstStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
            return stream;
        }

        /// <summary>The node takes attempt 1 back and gives the job to this worker again while attempt 1 still runs.</summary>
        public void GiveSecondAttempt()
        {
            Jobs.OnCancel(new Cancel { JobId = "7", Attempt = 1, Reason = "its lease could not be renewed" });
            Jobs.OnAssign(new Assign { JobId = "7", Attempt = 2, Type = "t" });
        }

        public void LetFirstEnd() => _firstMayEnd.TrySetResult();

        /// <summary>Ends the stream once everything posted is written, and returns what was.</summary>
        public async Task<IReadOnlyList<WorkerMessage>> EndAsync()
        {
            _outbox.Close();
            await _node;
            return _sent;
        }

        public async ValueTask DisposeAsync()
        {
            LetFirstEnd();
            await _stop.CancelAsync();
            await _node.ContinueWith(_ => { }, TaskScheduler.Default);
            _stop.Dispose();
        }
    }
}
