using System.Collections.Concurrent;
using System.Text;
using Google.Protobuf.WellKnownTypes;
using Worcr.Core.Input;
using Worcr.Protocol.V1;
using Worcr.Worker.Internal;

namespace Worcr.Worker;

/// <summary>The SDK's <see cref="IJobContext"/>: one assigned attempt, reporting over the stream it arrived on.</summary>
public sealed class JobContext : IJobContext
{
    private readonly Assign _assign;
    private readonly ISessionLink _link;
    private readonly ConcurrentDictionary<string, string> _checkpoints;

    internal JobContext(Assign assign, ISessionLink link, CancellationToken cancellationToken)
    {
        _assign = assign;
        _link = link;
        _checkpoints = new ConcurrentDictionary<string, string>(assign.Checkpoints);
        Tags = [.. assign.Tags];
        CancellationToken = cancellationToken;
    }

    /// <inheritdoc />
    public string JobId => _assign.JobId;

    /// <inheritdoc />
    public int Attempt => _assign.Attempt;

    /// <inheritdoc />
    public int MaxAttempts => _assign.MaxAttempts;

    /// <inheritdoc />
    public string Type => _assign.Type;

    /// <inheritdoc />
    public string Tenant => _assign.Tenant;

    /// <inheritdoc />
    public IReadOnlyList<string> Tags { get; }

    /// <inheritdoc />
    public string ArgsJson => string.IsNullOrEmpty(_assign.ArgsJson) ? WorcrJson.EmptyObject : _assign.ArgsJson;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Checkpoints => _checkpoints;

    /// <inheritdoc />
    public CancellationToken CancellationToken { get; }

    /// <inheritdoc />
    public async Task CheckpointAsync(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        // The node refuses what is over its limits; a value over the gRPC message limit could not even be sent.
        if (name.Length > ReportLimits.MaxNameLength)
        {
            throw new ArgumentException($"A checkpoint name is at most {ReportLimits.MaxNameLength} characters (got {name.Length}).", nameof(name));
        }
        var bytes = Encoding.UTF8.GetByteCount(value);
        if (bytes > ReportLimits.MaxCheckpointBytes)
        {
            throw new ArgumentException(
                $"Checkpoint '{name}' of job {JobId} is {bytes} bytes, at most {ReportLimits.MaxCheckpointBytes}: save less, or store the data elsewhere and checkpoint where it is.",
                nameof(value));
        }
        // A stopped attempt (cancelled by the node, yielded at the end of the shutdown grace, its stream lost) is no
        // longer this worker's: the node refuses its reports, so nothing is sent and the handler learns it stopped.
        CancellationToken.ThrowIfCancellationRequested();
        var message = new WorkerMessage
        {
            Checkpoint = new Checkpoint { JobId = JobId, Attempt = Attempt, Name = name, Value = value },
        };
        var ack = await RequestAsync(message);
        if (!ack.Ok)
        {
            // Retryable: PostgreSQL was unavailable, nothing was saved, and the same checkpoint may be saved later.
            throw new WorcrNodeException(ack.Retryable ? WorcrErrorCode.Unavailable : WorcrErrorCode.FailedPrecondition,
                $"The node refused checkpoint '{name}' of job {JobId}: {ack.Error}");
        }

        _checkpoints[name] = value;
    }

    /// <inheritdoc />
    public Task ProgressAsync(string name, long current, long total = 0, string? text = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        // Fire and forget: a stopped attempt's report would only be refused (and logged) by the node.
        if (CancellationToken.IsCancellationRequested) return Task.CompletedTask;
        _link.ReportProgress(new Progress
        {
            JobId = JobId, Attempt = Attempt, Name = name, Current = current, Total = total, Text = text ?? "",
        });
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Log(string level, string text)
    {
        // Fire and forget: a stopped attempt's line would only be refused (and logged) by the node.
        if (CancellationToken.IsCancellationRequested) return;
        _link.Post(new WorkerMessage
        {
            Log = new Log
            {
                JobId = JobId, Attempt = Attempt, Level = level ?? "info", At = Timestamp.FromDateTime(DateTime.UtcNow),
                // Cut here as the node would cut it: a line over the gRPC message limit could not even be sent.
                Text = TextCheck.Cut(text ?? "", ReportLimits.MaxLogTextLength),
            },
        });
    }

    /// <inheritdoc />
    public async Task<LimitPermit> AcquireLimitAsync(
        string key, long cost = 1, bool wait = false, TimeSpan? maxWait = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var request = new AcquireLimitRequest
        {
            Key = key, Cost = cost, Wait = wait, JobId = JobId, MaxWait = maxWait is { } max ? Duration.FromTimeSpan(max) : null,
        };
        var answer = await NodeErrors.TranslateAsync(() => _link.AcquireLimitAsync(request, ct), ct);
        return new LimitPermit(answer.Granted, answer.RetryAfter?.ToTimeSpan() ?? TimeSpan.Zero, answer.Remaining);
    }

    private async Task<Ack> RequestAsync(WorkerMessage message)
    {
        try
        {
            // The Ack may be slow (the node waits for PostgreSQL): a handler told to stop meanwhile stops waiting for
            // it, instead of running on, unable to see its cancellation, until the node answers or the stream ends.
            return await _link.RequestAsync(message).WaitAsync(CancellationToken);
        }
        catch (StreamLostException ex)
        {
            throw new OperationCanceledException($"The stream to the node was lost; job {JobId} was abandoned.", ex, CancellationToken);
        }
    }
}
