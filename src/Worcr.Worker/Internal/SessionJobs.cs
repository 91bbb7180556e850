using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Worcr.Protocol.V1;

namespace Worcr.Worker.Internal;

/// <summary>
/// The jobs assigned on one stream: starts their handlers in the worker's slots (jobs prefetched beyond them wait for
/// one), cancels them, reports each outcome exactly once, and gives one credit back per finished job while the worker
/// is not leaving. The slots, and the attempts still held, are the worker's (<see cref="WorkerJobs"/>): a handler of
/// an earlier stream that has not returned yet keeps its slot, and its job's next attempt waits for it.
/// </summary>
internal sealed class SessionJobs
{
    // Every stream's attempts, by job id; this stream's are those whose Stream is this.
    private readonly ConcurrentDictionary<string, RunningJob> _jobs;
    // Attempts waiting for an earlier attempt of their job to end, with the task that starts them: not in _jobs yet,
    // but the node holds them, so a Cancel must find them.
    private readonly ConcurrentDictionary<RunningJob, Task> _parked = new();
    private readonly IReadOnlyDictionary<string, JobHandler> _handlers;
    private readonly ISessionLink _link;
    private readonly Outbox _outbox;
    private readonly CreditBatcher _credits;
    private readonly ProgressCoalescer _progress;
    private readonly JobCounter _running;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _leavingSignal = new();
    private readonly Action<string> _diagnostic;
    private readonly ILogger _logger;
    private volatile bool _leaving;
    private volatile bool _abandoned;

    public SessionJobs(
        IReadOnlyDictionary<string, JobHandler> handlers,
        ISessionLink link,
        Outbox outbox,
        CreditBatcher credits,
        ProgressCoalescer progress,
        WorkerJobs shared,
        Action<string> diagnostic,
        ILogger logger)
    {
        _handlers = handlers;
        _link = link;
        _outbox = outbox;
        _credits = credits;
        _progress = progress;
        _jobs = shared.Held;
        _running = shared.Running;
        _slots = shared.Slots;
        _diagnostic = diagnostic;
        _logger = logger;
    }

    public int Count => Mine.Count();

    public IEnumerable<string> HandledTypes => _handlers.Keys;

    /// <summary>From now on no credit is given back, and new Assigns and jobs still waiting for a slot are yielded unstarted.</summary>
    public void BeginLeaving()
    {
        // First: the hand-backs below release the credits held for queued jobs, and none may go to a node that would
        // claim jobs for this leaving worker.
        _credits.BeginLeaving();
        _leaving = true;
        _leavingSignal.Cancel();
    }

    public void OnAssign(Assign assign) => Admit(new RunningJob(assign, this));

    private IEnumerable<RunningJob> Mine => _jobs.Values.Where(job => job.Stream == this);

    /// <summary>
    /// The slots still taken by handlers of earlier, lost streams (cancelled, they ignore their token): one task per
    /// slot, completing when its handler gives it back. Asked before this stream's Hello, when it holds no job yet.
    /// </summary>
    public IReadOnlyList<Task> SlotsHeldByEarlierStreams() =>
        [.. _jobs.Values.Where(job => job.Stream != this && job.HoldsSlot).Select(job => job.SlotFreed)];

    private void Admit(RunningJob job)
    {
        // An Assign read after the stream was lost is the node's to give again: starting it would run it twice.
        if (_abandoned) return;
        var assign = job.Assign;
        while (!_jobs.TryAdd(job.JobId, job))
        {
            if (!_jobs.TryGetValue(job.JobId, out var earlier)) continue; // the earlier attempt just left: try again
            // An earlier stream's attempt is still here only while its handler, cancelled, has not returned: the node
            // released it when that stream ended and gave the job to this worker again. It is not this stream's to stop.
            var fromEarlierStream = earlier.Stream != this;
            if (fromEarlierStream || earlier.Attempt < job.Attempt)
            {
                // The node took the earlier attempt back (its Cancel came first on the stream, or its stream ended) and
                // gave the job to this worker again. Dropped, the new attempt would stay held by this stream and never
                // run; it starts once the earlier attempt's handler has ended, never beside it.
                if (!fromEarlierStream) earlier.Stop(JobStopReason.NodeCancel);
                if (_leaving)
                {
                    // Handed back now, posted before the read loop reaches the Goodbye's Ack: parked, it would be
                    // answered only after the earlier attempt ended, perhaps after the stream closed.
                    _ = FinishUnstartedAsync(job, JobResult.Yield());
                    return;
                }
                _diagnostic($"Job {job.JobId} (attempt {job.Attempt}) waits for its attempt {earlier.Attempt} to end before it starts.");
                Park(job, earlier);
                return;
            }

            _diagnostic($"Ignored a second Assign of job {job.JobId} (attempt {job.Attempt}) while it is running.");
            return;
        }

        // AbandonAll sets the flag before it stops the jobs it finds: either it found this one, or this sees the flag.
        if (_abandoned)
        {
            Leave(job);
            return;
        }

        if (_leaving)
        {
            _ = Task.Run(() => FinishUnstartedAsync(job, JobResult.Yield()));
        }
        else if (_handlers.TryGetValue(assign.Type, out var handler))
        {
            _ = Task.Run(() => RunAsync(job, handler));
        }
        else
        {
            // The node should never send a type missing from Hello.job_types; hand it back for another worker.
            _diagnostic($"No handler for job type '{assign.Type}' (job {job.JobId}).");
            _ = Task.Run(() => FinishUnstartedAsync(job, JobResult.Fail($"No handler for job type '{assign.Type}' on this worker.")));
        }
    }

    /// <summary>
    /// Starts <paramref name="job"/> once <paramref name="earlier"/> has left; tracked meanwhile, so a Cancel finds it
    /// and a leave waits for it. It leaves the tracking only after its start put it in _jobs, so a Cancel read at any
    /// moment finds it in one or the other.
    /// </summary>
    private void Park(RunningJob job, RunningJob earlier)
    {
        var start = StartAfterAsync(earlier, job);
        _parked.TryAdd(job, start);
        _ = start.ContinueWith(done => _parked.TryRemove(job, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private async Task StartAfterAsync(RunningJob earlier, RunningJob job)
    {
        await earlier.Done;
        // A lost stream abandons its jobs: an attempt it held is the node's to give again, not this worker's to start.
        // One cancelled while it waited was answered then; RunAsync sees it stopped and never calls its handler.
        if (!_abandoned) Admit(job);
    }

    public void OnCancel(Cancel cancel)
    {
        if (_jobs.TryGetValue(cancel.JobId, out var job) && job.Stream == this && Matches(job))
        {
            _diagnostic($"Node cancelled job {job.JobId} (attempt {job.Attempt}): {cancel.Reason}");
            job.Stop(JobStopReason.NodeCancel);
        }

        foreach (var parked in _parked.Keys.Where(parked => parked.JobId == cancel.JobId && Matches(parked)))
        {
            // Answered now, as a prefetched job cancelled while it waits for a slot is: waiting for the earlier
            // attempt to end would hold the node's answer (and the job) on a handler that may be slow to stop.
            _diagnostic($"Node cancelled job {parked.JobId} (attempt {parked.Attempt}) before it started: {cancel.Reason}");
            parked.Stop(JobStopReason.NodeCancel);
            _ = ReportAsync(parked, Outcomes.FromException(JobStopReason.NodeCancel, new OperationCanceledException(parked.Token)));
        }

        bool Matches(RunningJob candidate) => cancel.Attempt == 0 || cancel.Attempt == candidate.Attempt;
    }

    /// <summary>Completes when every job has left (jobs assigned meanwhile, and attempts parked behind earlier ones, included).</summary>
    public async Task WaitAllDoneAsync()
    {
        while (Mine.Select(job => job.Done).Concat(_parked.Values).ToArray() is { Length: > 0 } pending)
        {
            await Task.WhenAll(pending);
        }
    }

    /// <summary>
    /// The shutdown grace is over: cancels the handlers still running and yields their jobs on their behalf; an attempt
    /// parked behind an earlier one of its job is yielded once that one has left (the worker is leaving, so it never
    /// starts), and waited for.
    /// </summary>
    public async Task YieldRemainingAsync()
    {
        var reports = new List<Task>();
        var yielded = new HashSet<RunningJob>();
        foreach (var job in Mine)
        {
            yielded.Add(job);
            job.Stop(JobStopReason.Shutdown);
            reports.Add(ReportAsync(job, JobResult.Yield()));
            // Its handler (or its unstarted hand-back) may have claimed the report a moment ago and not posted it yet:
            // the stream must not close before it is sent, or the node releases the job as a lost worker's.
            reports.Add(job.Reported);
        }

        while (_parked.Values.ToArray() is { Length: > 0 } parked)
        {
            await Task.WhenAll(parked);
        }

        reports.AddRange(Mine.Where(job => !yielded.Contains(job)).Select(job => job.Done));
        await Task.WhenAll(reports);
    }

    /// <summary>
    /// The stream is gone: cancels every handler; nothing more can be reported for these attempts. A handler that
    /// ignores its token keeps its slot and its job's entry until it returns (see <see cref="WorkerJobs"/>).
    /// </summary>
    public void AbandonAll()
    {
        _abandoned = true;
        foreach (var job in Mine)
        {
            job.Stop(JobStopReason.StreamLost);
        }
    }

    private async Task RunAsync(RunningJob job, JobHandler handler)
    {
        try
        {
            if (await WaitForSlotAsync(job) is { } unstarted)
            {
                await ReportAsync(job, unstarted);
                return;
            }

            job.TookSlot();
            if (job.StopReason != JobStopReason.None)
            {
                // Stopped before its handler began (the stream was lost, the node took it back): it never starts.
                GiveSlotBack(job);
                await ReportAsync(job, Outcomes.FromException(job.StopReason, new OperationCanceledException(job.Token)));
                return;
            }

            JobResult result;
            try
            {
                using var span = Telemetry.WorkerActivities.StartHandler(job.Assign);
                result = Outcomes.Deliverable(await InvokeAsync(job, handler));
                Telemetry.WorkerActivities.Ended(span, result);
            }
            finally
            {
                // Free before the outcome is sent: the node assigns the next job as soon as it reads the outcome.
                GiveSlotBack(job);
            }

            await ReportAsync(job, result);
        }
        finally
        {
            Leave(job);
        }
    }

    /// <summary>Frees the job's slot, then tells whoever waits for it (a later stream that withheld its credit).</summary>
    private void GiveSlotBack(RunningJob job)
    {
        _slots.Release();
        job.GaveSlotBack();
    }

    /// <summary>
    /// Null once the job holds a slot to run in; otherwise the outcome of a prefetched job that never started: stopped
    /// while it waited (cancelled by the node, shutdown, stream lost), or handed back because the worker began leaving.
    /// </summary>
    private async Task<JobResult?> WaitForSlotAsync(RunningJob job)
    {
        if (_slots.Wait(0)) return null;
        using var stopOrLeave = CancellationTokenSource.CreateLinkedTokenSource(job.Token, _leavingSignal.Token);
        _credits.JobWaiting();
        try
        {
            await _slots.WaitAsync(stopOrLeave.Token);
        }
        catch (OperationCanceledException ex)
        {
            return job.StopReason == JobStopReason.None ? JobResult.Yield() : Outcomes.FromException(job.StopReason, ex);
        }
        finally
        {
            _credits.JobStoppedWaiting();
        }

        if (!_leaving) return null;
        _slots.Release(); // a prefetched job does not start once the worker is leaving: another worker takes it
        return JobResult.Yield();
    }

    private async Task<JobResult> InvokeAsync(RunningJob job, JobHandler handler)
    {
        _running.Increment();
        try
        {
            var context = new JobContext(job.Assign, _link, job.Token);
            return await handler(context) ?? JobResult.Fail("The handler returned no result.");
        }
        catch (Exception ex)
        {
            var result = Outcomes.FromException(job.StopReason, ex);
            if (job.StopReason == JobStopReason.None && result is JobResult.Failed failed)
            {
                WorkerLog.HandlerFailed(_logger, ex, job.JobId, job.Assign.Type, job.Attempt, failed.Retryable);
            }

            return result;
        }
        finally
        {
            _running.Decrement();
        }
    }

    private async Task FinishUnstartedAsync(RunningJob job, JobResult result)
    {
        try
        {
            await ReportAsync(job, result);
        }
        finally
        {
            Leave(job);
        }
    }

    private async Task ReportAsync(RunningJob job, JobResult result)
    {
        if (job.StopReason == JobStopReason.StreamLost || !job.TryClaimReport())
        {
            return;
        }

        try
        {
            _progress.FlushJob(job.JobId);
            var answer = _outbox.RequestAsync(Outcomes.ToMessage(job.JobId, job.Attempt, result, _outbox.MaxMessageBytes));
            if (!_leaving)
            {
                // Posted after the outcome, so the node sees the job end before it sees the credit.
                _credits.Grant();
            }

            var ack = await answer;
            if (!ack.Ok)
            {
                _diagnostic($"Node refused the outcome of job {job.JobId} (attempt {job.Attempt}): {ack.Error}");
            }
        }
        catch (StreamLostException)
        {
            _diagnostic($"Stream lost before the outcome of job {job.JobId} was acknowledged; the node will run it again.");
        }
        finally
        {
            job.MarkReported();
        }
    }

    private void Leave(RunningJob job)
    {
        _jobs.TryRemove(new KeyValuePair<string, RunningJob>(job.JobId, job));
        job.MarkDone();
    }
}
