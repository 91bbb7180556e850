using System.Collections.Concurrent;
using Worcr.Protocol.V1;

namespace Worcr.Worker.Internal;

/// <summary>
/// Matches Acks to the messages that asked for them (request_id: non-zero, increasing per stream).
/// When the stream ends, every unanswered request fails, and so does every later one.
/// </summary>
internal sealed class AckTracker
{
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource<Ack>> _pending = new();
    private long _lastId;
    private Exception? _failure;

    public int PendingCount => _pending.Count;

    public (ulong RequestId, Task<Ack> Answer) Register()
    {
        var id = (ulong)Interlocked.Increment(ref _lastId);
        var answer = new TaskCompletionSource<Ack>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        // Checked after adding, so a FailAll running at the same time cannot miss this request.
        if (Volatile.Read(ref _failure) is { } failure)
        {
            Fail(id, failure);
        }

        return (id, answer.Task);
    }

    /// <summary>Answers the matching request; false for an unknown id (already failed, or never asked).</summary>
    public bool Complete(Ack ack)
    {
        if (!_pending.TryRemove(ack.RequestId, out var answer))
        {
            return false;
        }

        answer.TrySetResult(ack);
        return true;
    }

    public void Fail(ulong requestId, Exception failure)
    {
        if (_pending.TryRemove(requestId, out var answer))
        {
            answer.TrySetException(failure);
        }
    }

    public void FailAll(Exception failure)
    {
        Interlocked.CompareExchange(ref _failure, failure, null);
        foreach (var id in _pending.Keys)
        {
            Fail(id, failure);
        }
    }
}
