using System.Diagnostics;
using Grpc.Core;
using Worcr.Protocol.V1;
using Worcr.Server.Telemetry;

namespace Worcr.Server.Workers;

/// <summary>
/// The messages one pump pass writes to a worker in one go. A worker that asked for batches (Hello.batches) gets them
/// as one DispatcherBatch; any other worker gets them as separate messages, all but the last buffered, so the last
/// one's flush sends them together. Either way a burst of Assigns and Acks costs one HTTP/2 write, not one each.
/// </summary>
internal sealed class OutgoingBatch(int maxBytes)
{
    /// <summary>The most bytes gathered into one write (a single larger message still goes, on its own).</summary>
    public const int MaxBytes = 64 * 1024;

    // A message inside a batch costs its field tag and length prefix on top of its own size.
    private const int FramingBytes = 6;

    private static readonly WriteOptions Buffered = new(WriteFlags.BufferHint);
    private static readonly WriteOptions Flushed = new();

    private readonly List<DispatcherMessage> _messages = [];
    private readonly List<Activity> _spans = [];
    private int _bytes;

    public int Count => _messages.Count;

    /// <summary>True while more may be gathered.</summary>
    public bool HasRoom => _bytes < maxBytes;

    /// <summary>True when a message of this size may join what is gathered.</summary>
    public bool Fits(int size) => _messages.Count == 0 || _bytes + size + FramingBytes <= maxBytes;

    public void Add(DispatcherMessage message, int size, string workerId)
    {
        // The Assign's span lasts until its write is done; it rewrites the same-length traceparent, so the size holds.
        if (NodeActivities.StartAssign(message, workerId) is { } span) _spans.Add(span);
        _messages.Add(message);
        _bytes += size + FramingBytes;
    }

    /// <summary>Writes what was gathered (nothing when empty) and starts over.</summary>
    public async Task WriteAsync(IServerStreamWriter<DispatcherMessage> responses, bool asBatch, CancellationToken cancellationToken)
    {
        if (_messages.Count == 0) return;
        try
        {
            if (_messages.Count == 1)
            {
                responses.WriteOptions = Flushed;
                await responses.WriteAsync(_messages[0], cancellationToken);
            }
            else if (asBatch)
            {
                var batch = new DispatcherBatch();
                batch.Messages.AddRange(_messages);
                responses.WriteOptions = Flushed;
                await responses.WriteAsync(new DispatcherMessage { Batch = batch }, cancellationToken);
            }
            else
            {
                for (var i = 0; i < _messages.Count; i++)
                {
                    responses.WriteOptions = i < _messages.Count - 1 ? Buffered : Flushed;
                    await responses.WriteAsync(_messages[i], cancellationToken);
                }
            }
        }
        finally
        {
            _messages.Clear();
            _bytes = 0;
            EndSpans();
        }
    }

    public void EndSpans()
    {
        foreach (var span in _spans) span.Dispose();
        _spans.Clear();
    }
}
