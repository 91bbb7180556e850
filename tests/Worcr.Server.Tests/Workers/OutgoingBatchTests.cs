using Grpc.Core;
using Worcr.Core.Dispatch;
using Worcr.Core.Workers;
using Worcr.Protocol.V1;
using Worcr.Server.Workers;

namespace Worcr.Server.Tests.Workers;

/// <summary>
/// What the pump writes in one go: one DispatcherBatch for a worker that asked for batches, separate messages (all
/// but the last buffered, so one flush sends them) for a worker that did not, and a lone message as itself.
/// </summary>
public sealed class OutgoingBatchTests
{
    [Fact]
    public async Task A_worker_that_did_not_ask_for_batches_gets_each_message_on_its_own_with_one_flush_at_the_end()
    {
        var writer = new RecordingWriter();
        var batch = Gather(Ack(1), Ack(2), Ack(3));

        await batch.WriteAsync(writer, asBatch: false, CancellationToken.None);

        Assert.Equal([1UL, 2UL, 3UL], writer.Written.Select(w => w.Message.Ack.RequestId));
        Assert.DoesNotContain(writer.Written, w => w.Message.MessageCase == DispatcherMessage.MessageOneofCase.Batch);
        Assert.Equal([true, true, false], writer.Written.Select(w => w.Buffered));
        Assert.Equal(0, batch.Count);
    }

    [Fact]
    public async Task A_worker_that_asked_for_batches_gets_the_messages_in_one_batch_in_their_order()
    {
        var writer = new RecordingWriter();
        var batch = Gather(Ack(1), Ack(2), Ack(3));

        await batch.WriteAsync(writer, asBatch: true, CancellationToken.None);

        var (message, buffered) = Assert.Single(writer.Written);
        Assert.False(buffered);
        Assert.Equal([1UL, 2UL, 3UL], message.Batch.Messages.Select(m => m.Ack.RequestId));
    }

    [Fact]
    public async Task A_lone_message_is_written_as_itself_and_an_empty_batch_writes_nothing()
    {
        var writer = new RecordingWriter();
        var batch = new OutgoingBatch(OutgoingBatch.MaxBytes);
        await batch.WriteAsync(writer, asBatch: true, CancellationToken.None);
        Assert.Empty(writer.Written);

        batch = Gather(Ack(7));
        await batch.WriteAsync(writer, asBatch: true, CancellationToken.None);

        Assert.Equal(7UL, Assert.Single(writer.Written).Message.Ack.RequestId);
    }

    [Fact]
    public void A_message_that_would_pass_the_byte_bound_does_not_fit_but_the_first_one_always_does()
    {
        var batch = new OutgoingBatch(maxBytes: 100);
        Assert.True(batch.Fits(500), "an empty batch takes any message: a big one goes on its own");
        // Each message also costs 6 bytes of framing: 60 + 6 taken, so 28 + 6 more fill the 100 exactly.
        batch.Add(Ack(1), 60, "w");
        Assert.True(batch.HasRoom);
        Assert.True(batch.Fits(28));
        Assert.False(batch.Fits(29));
        batch.Add(Ack(2), 28, "w");
        Assert.False(batch.HasRoom);
    }

    [Fact]
    public async Task The_session_hands_the_pump_what_is_queued_in_order_with_each_message_size()
    {
        var session = new WorkerSession(new WorkerProfile("w", [], new HashSet<string> { "t" }), 1, new ReportBudget(100, 100, 1000, 0), "node", batches: true);
        Assert.True(session.Batches);
        Assert.True(session.Send(Ack(1)));
        Assert.True(session.Send(Ack(2)));

        var first = await session.NextOutgoingAsync(CancellationToken.None);
        Assert.True(session.TryNextOutgoing(out var second, out var size, out _));
        Assert.False(session.TryNextOutgoing(out _, out _, out _));

        Assert.Equal(1UL, first.Message!.Ack.RequestId);
        Assert.Equal(Ack(1).CalculateSize(), first.Size);
        Assert.Equal(2UL, second.Ack.RequestId);
        Assert.Equal(Ack(2).CalculateSize(), size);
    }

    private static OutgoingBatch Gather(params DispatcherMessage[] messages)
    {
        var batch = new OutgoingBatch(OutgoingBatch.MaxBytes);
        foreach (var message in messages) batch.Add(message, message.CalculateSize(), "w");
        return batch;
    }

    private static DispatcherMessage Ack(ulong requestId) => new() { Ack = new Ack { RequestId = requestId, Ok = true } };

    /// <summary>Keeps every write and whether it carried the buffer hint (no flush).</summary>
    private sealed class RecordingWriter : IServerStreamWriter<DispatcherMessage>
    {
        public List<(DispatcherMessage Message, bool Buffered)> Written { get; } = [];

        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(DispatcherMessage message)
        {
            Written.Add((message, (WriteOptions?.Flags & WriteFlags.BufferHint) == WriteFlags.BufferHint));
            return Task.CompletedTask;
        }
    }
}
