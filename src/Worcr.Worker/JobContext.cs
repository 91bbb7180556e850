using System.Collections.Concurrent;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Worcr.Protocol.V1;
using Worcr.Worker.Internal;

namespace Worcr.Worker;

/// <summary>Everything a handler knows about its job, and how it reports progress, checkpoints and logs.</summary>
public sealed class JobContext
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

    public string JobId => _assign.JobId;

    /// <summary>1 for the first run; resume from <see cref="Checkpoints"/> when greater.</summary>
    public int Attempt => _assign.Attempt;

    public int MaxAttempts => _assign.MaxAttempts;

    public string Type => _assign.Type;

    public string Tenant => _assign.Tenant;

    public IReadOnlyList<string> Tags { get; }

    public string ArgsJson => string.IsNullOrEmpty(_assign.ArgsJson) ? WorcrJson.EmptyObject : _assign.ArgsJson;

    /// <summary>Checkpoints saved by earlier attempts, plus those this attempt saved.</summary>
    public IReadOnlyDictionary<string, string> Checkpoints => _checkpoints;

    /// <summary>Cancelled when the node cancels the job, when the shutdown grace ends, or when the stream is lost.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The args deserialised from JSON (camelCase, case-insensitive).</summary>
    public T Args<T>() => JsonSerializer.Deserialize<T>(ArgsJson, WorcrJson.Options)!;

    /// <summary>Saves a checkpoint and returns once the node has stored it durably.</summary>
    /// <exception cref="InvalidOperationException">The node refused it (e.g. the attempt is stale).</exception>
    /// <exception cref="OperationCanceledException">The stream was lost; the job is abandoned.</exception>
    public async Task CheckpointAsync(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        var message = new WorkerMessage
        {
            Checkpoint = new Checkpoint { JobId = JobId, Attempt = Attempt, Name = name, Value = value },
        };
        var ack = await RequestAsync(message);
        if (!ack.Ok)
        {
            throw new InvalidOperationException($"The node refused checkpoint '{name}' of job {JobId}: {ack.Error}");
        }

        _checkpoints[name] = value;
    }

    /// <summary>Reports a progress counter. Fire and forget: the latest value per counter is sent, at most a few times a second.</summary>
    public Task ProgressAsync(string name, long current, long total = 0, string? text = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _link.ReportProgress(new Progress
        {
            JobId = JobId, Attempt = Attempt, Name = name, Current = current, Total = total, Text = text ?? "",
        });
        return Task.CompletedTask;
    }

    /// <summary>Ships a log line ("debug", "info", "warn" or "error") for this attempt. Fire and forget.</summary>
    public void Log(string level, string text)
    {
        _link.Post(new WorkerMessage
        {
            Log = new Log
            {
                JobId = JobId, Attempt = Attempt, Level = level ?? "info", Text = text ?? "", At = Timestamp.FromDateTime(DateTime.UtcNow),
            },
        });
    }

    /// <summary>Asks the node for a rate-limit permit (Workers.AcquireLimit).</summary>
    public Task<AcquireLimitResponse> AcquireLimitAsync(
        string key, long cost = 1, bool wait = false, TimeSpan? maxWait = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var request = new AcquireLimitRequest
        {
            Key = key, Cost = cost, Wait = wait, JobId = JobId, MaxWait = maxWait is { } max ? Duration.FromTimeSpan(max) : null,
        };
        return _link.AcquireLimitAsync(request, ct);
    }

    private async Task<Ack> RequestAsync(WorkerMessage message)
    {
        try
        {
            return await _link.RequestAsync(message);
        }
        catch (StreamLostException ex)
        {
            throw new OperationCanceledException($"The stream to the node was lost; job {JobId} was abandoned.", ex, CancellationToken);
        }
    }
}
