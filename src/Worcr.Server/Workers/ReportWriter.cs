using System.Threading.Channels;
using Google.Protobuf.WellKnownTypes;
using Worcr.Postgres;
using Worcr.Protocol.V1;
using Worcr.Server.Events;
using Worcr.Server.Transport;

namespace Worcr.Server.Workers;

/// <summary>
/// Stores the chatty part of what workers say (progress counters, log lines) in batches. Progress is
/// coalesced: of many updates to one counter between two flushes only the latest is written, so a
/// worker reporting in a tight loop costs PostgreSQL one row per counter per flush, not one per call. Each report
/// is also handed to the live event publisher as it arrives (which coalesces progress again), so watchers see
/// progress, checkpoints and log lines in the order the worker sent them. Logs are bounded per job.
/// </summary>
internal sealed class ReportWriter
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(200);
    private readonly Lock _lock = new();
    private readonly JobStore _store;
    private readonly TimeProvider _time;
    private readonly EventPublisher? _events;
    private readonly int _maxLogLinesPerJob;
    private long _progressRowsWritten;
    private Dictionary<(long JobId, string Name), ProgressUpdate> _progress = new();
    private List<LogEntry> _logs = new();
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <param name="events">Where live events go; none when null.</param>
    /// <param name="maxLogLinesPerJob">Log lines kept per job (the newest); older ones are counted in a note line.</param>
    public ReportWriter(JobStore store, TimeProvider time, EventPublisher? events = null, int maxLogLinesPerJob = 1000)
    {
        _store = store;
        _time = time;
        _events = events;
        _maxLogLinesPerJob = maxLogLinesPerJob;
    }

    /// <summary>Progress rows written to PostgreSQL so far (after coalescing).</summary>
    public long ProgressRowsWritten => Interlocked.Read(ref _progressRowsWritten);

    /// <param name="tenant">The job's tenant, for tenant-wide watchers ("" when unknown).</param>
    public void Progress(Progress progress, string tenant = "")
    {
        if (Transport.Messages.ParseJobId(progress.JobId) is not { } jobId || string.IsNullOrEmpty(progress.Name)) return;
        var name = progress.Name.Length > 200 ? progress.Name[..200] : progress.Name;
        var update = new ProgressUpdate(jobId, progress.Attempt, name, progress.Current, progress.Total, progress.Text);
        lock (_lock) _progress[(jobId, name)] = update;
        _events?.Publish(tenant, JobEvents.Progress(jobId, update));
        _signal.Writer.TryWrite(true);
    }

    /// <param name="tenant">The job's tenant, for tenant-wide watchers ("" when unknown).</param>
    public void Log(Log log, string tenant = "")
    {
        if (Transport.Messages.ParseJobId(log.JobId) is not { } jobId) return;
        var text = log.Text.Length > 8192 ? log.Text[..8192] : log.Text;
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
        try
        {
            while (await _signal.Reader.WaitToReadAsync(stoppingToken))
            {
                _signal.Reader.TryRead(out _);
                await FlushAsync(stoppingToken);
                await Task.Delay(FlushInterval, _time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await FlushAsync(CancellationToken.None);
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
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
        if (progress.Count > 0)
        {
            await _store.SaveProgressAsync(progress.Values.ToList(), cancellationToken);
            Interlocked.Add(ref _progressRowsWritten, progress.Count);
        }
        if (logs.Count > 0) await _store.AppendLogsAsync(logs, _maxLogLinesPerJob, cancellationToken);
    }
}
