using System.Threading.Channels;
using Google.Protobuf.WellKnownTypes;
using Worcr.Postgres;
using Worcr.Protocol.V1;

namespace Worcr.Server.Services;

/// <summary>
/// Stores the chatty part of what workers say (progress counters, log lines) in batches. Progress is
/// coalesced: of many updates to one counter between two flushes only the latest is written, so a
/// worker reporting in a tight loop costs PostgreSQL one row per counter per flush, not one per call.
/// </summary>
internal sealed class ReportWriter
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(200);
    private readonly Lock _lock = new();
    private readonly JobStore _store;
    private readonly TimeProvider _time;
    private Dictionary<(long JobId, string Name), ProgressUpdate> _progress = new();
    private List<LogEntry> _logs = new();
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public ReportWriter(JobStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
    }

    public void Progress(Progress progress)
    {
        if (Dispatch.Messages.ParseJobId(progress.JobId) is not { } jobId || string.IsNullOrEmpty(progress.Name)) return;
        var name = progress.Name.Length > 200 ? progress.Name[..200] : progress.Name;
        lock (_lock) _progress[(jobId, name)] = new ProgressUpdate(jobId, progress.Attempt, name, progress.Current, progress.Total, progress.Text);
        _signal.Writer.TryWrite(true);
    }

    public void Log(Log log)
    {
        if (Dispatch.Messages.ParseJobId(log.JobId) is not { } jobId) return;
        var text = log.Text.Length > 8192 ? log.Text[..8192] : log.Text;
        var at = log.At?.ToDateTimeOffset() ?? _time.GetUtcNow();
        var level = log.Level is "debug" or "info" or "warn" or "error" ? log.Level : "info";
        lock (_lock) _logs.Add(new LogEntry(jobId, log.Attempt, level, text, at));
        _signal.Writer.TryWrite(true);
    }

    public void CheckpointSaved(long jobId, Checkpoint checkpoint)
    {
        // Live fan-out of checkpoint events to watchers arrives with Jobs.Watch.
    }

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
        if (progress.Count > 0) await _store.SaveProgressAsync(progress.Values.ToList(), cancellationToken);
        if (logs.Count > 0) await _store.AppendLogsAsync(logs, cancellationToken);
    }
}
