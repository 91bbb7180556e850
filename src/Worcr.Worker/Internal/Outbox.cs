using System.Threading.Channels;
using Worcr.Protocol.V1;

namespace Worcr.Worker.Internal;

/// <summary>
/// Everything the worker says on one stream goes through this single queue, so messages leave in the order they were
/// posted (log lines and the last progress before Complete) and posting never blocks a handler.
/// </summary>
internal sealed class Outbox
{
    private readonly Channel<WorkerMessage> _queue =
        Channel.CreateUnbounded<WorkerMessage>(new UnboundedChannelOptions { SingleReader = true });

    private readonly AckTracker _acks;
    private readonly Action<string>? _diagnostic;
    private int _maxMessageBytes;

    /// <param name="acks">Where requests wait for their Ack.</param>
    /// <param name="diagnostic">Told of a message dropped for its size.</param>
    /// <param name="maxMessageBytes">The largest message the channel sends.</param>
    public Outbox(AckTracker acks, Action<string>? diagnostic = null, int maxMessageBytes = WorcrChannel.MaxMessageSize)
    {
        _acks = acks;
        _diagnostic = diagnostic;
        _maxMessageBytes = maxMessageBytes;
    }

    /// <summary>
    /// Queues a message; dropped silently once the outbox is closed (the stream is ending anyway), and refused when
    /// over the message limit: its write would fail and end the stream, costing every job on it an attempt. Reports
    /// are checked against the node's limits before they get here; this is the guard for anything they missed.
    /// </summary>
    public bool Post(WorkerMessage message)
    {
        var size = message.CalculateSize();
        var limit = MaxMessageBytes;
        if (size <= limit) return _queue.Writer.TryWrite(message);
        var error = $"{message.MessageCase} of {size} bytes is over the {limit}-byte message limit; not sent.";
        if (message.RequestId == 0) _diagnostic?.Invoke(error);
        else _acks.Complete(new Ack { RequestId = message.RequestId, Ok = false, Error = error });
        return false;
    }

    /// <summary>Queues a message with a fresh request_id and returns the node's Ack for it.</summary>
    public Task<Ack> RequestAsync(WorkerMessage message)
    {
        var (requestId, answer) = _acks.Register();
        message.RequestId = requestId;
        if (!Post(message))
        {
            // Nothing when Post refused it for its size: that answered it already.
            _acks.Fail(requestId, new StreamLostException("The stream is closing; the message was not sent."));
        }

        return answer;
    }

    /// <summary>
    /// The largest message posted: the channel's limit, lowered once the node's Welcome said it reads less (its
    /// MaxMessageSize). Only Hello is posted before the Welcome, and it is far below any node's limit.
    /// </summary>
    public int MaxMessageBytes => Volatile.Read(ref _maxMessageBytes);

    /// <summary>Lowers <see cref="MaxMessageBytes"/> to what the node said it reads; 0 (an older node) changes nothing.</summary>
    public void LimitTo(int nodeMaxMessageBytes)
    {
        if (nodeMaxMessageBytes > 0 && nodeMaxMessageBytes < MaxMessageBytes) Volatile.Write(ref _maxMessageBytes, nodeMaxMessageBytes);
    }

    /// <summary>No more messages: the writer finishes what is queued, then ends.</summary>
    public void Close() => _queue.Writer.TryComplete();

    /// <summary>
    /// Set once the node's Welcome said it reads WorkerMessage.batch: from then on, messages queued together leave as
    /// one WorkerBatch (an outcome and the credit it frees, a burst of outcomes) instead of one write each.
    /// </summary>
    public bool Batches
    {
        get => Volatile.Read(ref _batches);
        set => Volatile.Write(ref _batches, value);
    }

    private bool _batches;

    /// <summary>
    /// The most bytes gathered into one batch, each message's framing included (a single larger message still goes,
    /// on its own). A node offers batches only when its message limit is at least twice this.
    /// </summary>
    public const int MaxBatchBytes = 64 * 1024;

    // A message inside a batch costs its field tag and length prefix on top of its own size.
    private const int FramingBytes = 6;

    /// <summary>Writes queued messages until closed (and drained) or cancelled: one at a time, or in batches (<see cref="Batches"/>).</summary>
    public async Task RunWriterAsync(Func<WorkerMessage, Task> write, CancellationToken ct)
    {
        var reader = _queue.Reader;
        WorkerMessage? carried = null;
        while (carried is not null || await reader.WaitToReadAsync(ct))
        {
            var first = carried;
            carried = null;
            if (first is null && !reader.TryRead(out first)) continue;
            if (!Batches || !reader.TryRead(out var next))
            {
                await write(first);
                continue;
            }
            var batch = new WorkerBatch();
            batch.Messages.Add(first);
            var bytes = first.CalculateSize() + FramingBytes;
            do
            {
                var size = next.CalculateSize() + FramingBytes;
                if (bytes + size > MaxBatchBytes)
                {
                    // Too big to join: it starts the next write.
                    carried = next;
                    break;
                }
                batch.Messages.Add(next);
                bytes += size;
            } while (reader.TryRead(out next));
            await write(batch.Messages.Count == 1 ? first : new WorkerMessage { Batch = batch });
        }
    }
}
