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

    public Outbox(AckTracker acks)
    {
        _acks = acks;
    }

    /// <summary>Queues a message; dropped silently once the outbox is closed (the stream is ending anyway).</summary>
    public bool Post(WorkerMessage message) => _queue.Writer.TryWrite(message);

    /// <summary>Queues a message with a fresh request_id and returns the node's Ack for it.</summary>
    public Task<Ack> RequestAsync(WorkerMessage message)
    {
        var (requestId, answer) = _acks.Register();
        message.RequestId = requestId;
        if (!Post(message))
        {
            _acks.Fail(requestId, new StreamLostException("The stream is closing; the message was not sent."));
        }

        return answer;
    }

    /// <summary>No more messages: the writer finishes what is queued, then ends.</summary>
    public void Close() => _queue.Writer.TryComplete();

    /// <summary>Writes queued messages one at a time until closed (and drained) or cancelled.</summary>
    public async Task RunWriterAsync(Func<WorkerMessage, Task> write, CancellationToken ct)
    {
        await foreach (var message in _queue.Reader.ReadAllAsync(ct))
        {
            await write(message);
        }
    }
}
