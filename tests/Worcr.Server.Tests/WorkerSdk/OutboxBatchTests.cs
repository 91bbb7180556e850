using Worcr.Protocol.V1;
using Worcr.Worker.Internal;

namespace Worcr.Server.Tests.WorkerSdk;

/// <summary>
/// The SDK's outbox sends what is queued together as one WorkerBatch once the node said it reads them
/// (Welcome.batches), and one message per write before that or with a node that did not say so.
/// </summary>
public sealed class OutboxBatchTests
{
    [Fact]
    public async Task Without_the_nodes_word_every_message_goes_on_its_own()
    {
        var outbox = new Outbox(new AckTracker());

        var written = await WriteAllAsync(outbox, Credit(1), Credit(2), Credit(3));

        Assert.Equal([1, 2, 3], written.Select(m => m.Credit.N));
    }

    [Fact]
    public async Task Once_the_node_reads_batches_what_is_queued_together_goes_as_one_batch_in_order()
    {
        var outbox = new Outbox(new AckTracker()) { Batches = true };

        var written = await WriteAllAsync(outbox, Credit(1), Credit(2), Credit(3));

        var batch = Assert.Single(written).Batch;
        Assert.Equal([1, 2, 3], batch.Messages.Select(m => m.Credit.N));
    }

    [Fact]
    public async Task A_message_too_big_to_join_goes_in_its_own_write_and_the_order_holds()
    {
        var outbox = new Outbox(new AckTracker()) { Batches = true };
        var big = new WorkerMessage { Log = new Log { JobId = "1", Text = new string('x', Outbox.MaxBatchBytes) } };

        var written = await WriteAllAsync(outbox, Credit(1), big, Credit(2), Credit(3));

        Assert.Equal(3, written.Count);
        Assert.Equal(1, written[0].Credit.N);
        Assert.Same(big, written[1]);
        Assert.Equal([2, 3], written[2].Batch.Messages.Select(m => m.Credit.N));
    }

    /// <summary>Queues the messages before the writer starts (so they are all waiting at once), then lets it drain.</summary>
    private static async Task<List<WorkerMessage>> WriteAllAsync(Outbox outbox, params WorkerMessage[] messages)
    {
        foreach (var message in messages) Assert.True(outbox.Post(message));
        outbox.Close();
        var written = new List<WorkerMessage>();
        await outbox.RunWriterAsync(message =>
        {
            written.Add(message);
            return Task.CompletedTask;
        }, CancellationToken.None);
        return written;
    }

    private static WorkerMessage Credit(int n) => new() { Credit = new Credit { N = n } };
}
