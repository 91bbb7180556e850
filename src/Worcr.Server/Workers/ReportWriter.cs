using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Worcr.Core.Input;
using Worcr.Core.Retries;
using Worcr.Postgres;
using Worcr.Protocol.V1;
using Worcr.Server.Events;

namespace Worcr.Server.Workers;

/// <summary>
/// Stores the chatty part of what workers say (progress counters, log lines) in batches. Progress is
/// coalesced: of many updates to one counter between two flushes only the latest is written, so a
/// worker reporting in a tight loop costs PostgreSQL one row per counter per flush, not one per call. Each report
/// is also handed to the live event publisher as it arrives (which coalesces progress again), so watchers see
/// progress, checkpoints and log lines in the order the worker sent them. Logs are bounded per job.
/// The writer never stops while the node runs: a batch PostgreSQL cannot take for now is kept and retried with
/// backoff, and a batch it refuses for a row's content is split until that one row is found and dropped
/// (<see cref="ReportBatches"/>), so one bad row never holds back the others.
/// </summary>
internal sealed class ReportWriter
{
    /// <summary>Log lines kept waiting while PostgreSQL fails; past it the oldest waiting lines are dropped.</summary>
    public const int MaxPendingLogLines = 100_000;

    private static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(200);
    private readonly Lock _lock = new();
    private readonly JobStore _store;
    private readonly TimeProvider _time;
    private readonly EventPublisher? _events;
    private readonly int _maxLogLinesPerJob;
    private readonly ILogger _logger;
    private readonly RetryBackoff _backoff = new(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), jitter: 0.2);
    private long _progressRowsWritten;
    private long _failedFlushes;
    private Dictionary<(long JobId, string Name), ProgressUpdate> _progress = new();
    private List<LogEntry> _logs = new();
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <param name="events">Where live events go; none when null.</param>
    /// <param name="maxLogLinesPerJob">Log lines kept per job (the newest); older ones are counted in a note line.</param>
    public ReportWriter(JobStore store, TimeProvider time, EventPublisher? events = null, int maxLogLinesPerJob = 1000, ILogger? logger = null)
    {
        _store = store;
        _time = time;
        _events = events;
        _maxLogLinesPerJob = maxLogLinesPerJob;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Progress rows written to PostgreSQL so far (after coalescing).</summary>
    public long ProgressRowsWritten => Interlocked.Read(ref _progressRowsWritten);

    /// <summary>Flushes that failed and were retried so far.</summary>
    public long FailedFlushes => Interlocked.Read(ref _failedFlushes);

    /// <param name="tenant">The job's tenant, for tenant-wide watchers ("" when unknown).</param>
    public void Progress(Progress progress, string tenant = "")
    {
        if (Transport.Messages.ParseJobId(progress.JobId) is not { } jobId || string.IsNullOrEmpty(progress.Name)) return;
        var name = TextCheck.Cut(progress.Name, WorkerLimits.MaxNameLength);
        var update = new ProgressUpdate(jobId, progress.Attempt, name, progress.Current, progress.Total, progress.Text);
        lock (_lock) _progress[(jobId, name)] = update;
        _events?.Publish(tenant, JobEvents.Progress(jobId, update));
        _signal.Writer.TryWrite(true);
    }

    /// <param name="tenant">The job's tenant, for tenant-wide watchers ("" when unknown).</param>
    public void Log(Log log, string tenant = "")
    {
        if (Transport.Messages.ParseJobId(log.JobId) is not { } jobId) return;
        var text = TextCheck.Cut(log.Text, WorkerLimits.MaxLogTextLength);
        var at = log.At?.ToDateTimeOffset() ?? _time.GetUtcNow();
        var level = log.Level is "debug" or "info" or "warn" or "error" ? log.Level : "info";
        var entry = new LogEntry(jobId, log.Attempt, level, text, at);
        lock (_lock) _logs.Add(entry);
        _events?.Publish(tenant, JobEvents.Log(entry));
        _signal.Writer.TryWrite(true);
    }

    /// <summary>A checkpoint was stored (durably, before this call): tell the watchers.</summary>
    public void CheckpointSaved(long jobId, Checkpoint checkpoint, string tenant = "") =>
        _events?.Publish(tenant, JobEvents.Checkpoint(jobId, checkpoint.Name, checkpoint.Value));

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        try
        {
            while (await _signal.Reader.WaitToReadAsync(stoppingToken))
            {
                _signal.Reader.TryRead(out _);
                if (await FlushAsync(stoppingToken))
                {
                    failures = 0;
                    await Task.Delay(FlushInterval, _time, stoppingToken);
                    continue;
                }
                // What failed is pending again: wait, then try again even if nothing new arrives.
                await Task.Delay(_backoff.DelayAfter(++failures), _time, stoppingToken);
                _signal.Writer.TryWrite(true);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await FlushAsync(CancellationToken.None);
        }
    }

    /// <summary>Writes what is pending; false when PostgreSQL failed (what was not written is pending again).</summary>
    private async Task<bool> FlushAsync(CancellationToken cancellationToken)
    {
        Dictionary<(long, string), ProgressUpdate> progress;
        List<LogEntry> logs;
        lock (_lock)
        {
            progress = _progress;
            logs = _logs;
            _progress = new();
            _logs = new();
        }
        var updates = progress.Values.ToList();
        try
        {
            var written = await ReportBatches.WriteAsync(updates, batch => _store.SaveProgressAsync(batch, cancellationToken), Dropped);
            Interlocked.Add(ref _progressRowsWritten, written);
            updates = [];
            await ReportBatches.WriteAsync(logs, batch => _store.AppendLogsAsync(batch, _maxLogLinesPerJob, cancellationToken), Dropped);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The node stops: what this flush took is pending again, for the last flush.
            PutBack(updates, logs);
            throw;
        }
        catch (Exception exception)
        {
            Interlocked.Increment(ref _failedFlushes);
            WorkersLog.ReportFlushFailed(_logger, exception, updates.Count, logs.Count);
            PutBack(updates, logs);
            return false;
        }
    }

    private void Dropped(long jobId, Exception exception) => WorkersLog.PoisonReportDropped(_logger, jobId, exception.Message);

    /// <summary>Unwritten reports go back in front of what arrived meanwhile; a newer value of a counter wins.</summary>
    private void PutBack(List<ProgressUpdate> updates, List<LogEntry> logs)
    {
        lock (_lock)
        {
            foreach (var update in updates) _progress.TryAdd((update.JobId, update.Name), update);
            logs.AddRange(_logs);
            var over = logs.Count - MaxPendingLogLines;
            _logs = over > 0 ? logs.GetRange(over, MaxPendingLogLines) : logs;
        }
    }
}
