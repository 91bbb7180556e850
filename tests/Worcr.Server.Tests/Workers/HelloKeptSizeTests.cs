using Google.Protobuf;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Workers;

/// <summary>
/// What a worker stream keeps of its Hello while it is open. The node kept the received Hello whole, with the fields
/// it does not know (Google.Protobuf keeps them, up to the 4 MiB message limit), for the stream's whole life: one
/// such message per stream, and one worker token may open many streams. The node runs in the test process, so what
/// it keeps shows in the process's managed memory, measured alone (<see cref="MemoryMeasureCollection"/>).
/// </summary>
[Collection(MemoryMeasureCollection.Name)]
public sealed class HelloKeptSizeTests
{
    // What 64 streams take with small Hellos (their connections: 4.7 MB here) and the buffers large messages leave
    // pooled made 9 to 12 MB after the warm-up even before the arrays the pools hold were left out; many streams set
    // what was kept whole (75 to 82 MB before the fix) far above them.
    private const int Streams = 64;

    // Each Hello's field unknown to the node.
    private const int UnknownBytes = 1_000_000;

    // Streams opened before the first measure.
    private const int WarmUps = 16;

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // in the message enclosing the Hello, which the stream's reader received
    public async Task An_open_stream_keeps_only_what_it_uses_of_its_Hello(bool aroundTheHello)
    {
        // The raw workers send no heartbeats: the jobs they are given stay held however slow the machine (RawWorker.HeldLease).
        await using var cluster = await TestCluster.StartAsync(configure: o => o.LeaseDuration = RawWorker.HeldLease);
        var node = cluster.Nodes[0];
        var workers = new List<RawWorker>();
        using var pooled = new PooledArrays();
        try
        {
            // Large Hellos first, so the buffers that sending and receiving them makes the process pool (on each thread
            // that does) are pooled before the first measure already. These streams take no jobs (capacity 0).
            for (var i = 0; i < WarmUps; i++)
            {
                workers.Add(await RawWorker.ConnectAsync(node, LargeHello(capacity: 0, aroundTheHello)));
                await workers[^1].Welcomed;
            }
            var before = pooled.HeapLessHeld();

            for (var i = 0; i < Streams; i++)
            {
                var worker = await RawWorker.ConnectAsync(node, LargeHello(capacity: 1, aroundTheHello));
                workers.Add(worker);
                // One at a time: the node has checked this Hello before it sends the Welcome.
                await worker.Welcomed;
            }
            var kept = pooled.HeapLessHeld() - before;

            // The streams still serve what their Hellos asked: each takes one job of its type.
            var client = cluster.Client();
            for (var i = 0; i < Streams; i++) await client.EnqueueAsync("test.echo", "acme", new { n = i });
            foreach (var worker in workers.Skip(WarmUps)) Assert.Equal("test.echo", (await worker.NextAssignAsync()).Type);
            Assert.True(kept < Streams * UnknownBytes / 3,
                $"the node kept {kept / 1_000_000.0:0.0} MB for {Streams} open streams; their Hellos' unknown fields were {Streams * UnknownBytes / 1_000_000} MB");
        }
        finally
        {
            foreach (var worker in workers) await worker.DisposeAsync();
        }
    }

    /// <summary>
    /// A Hello for test.echo with a field unknown to the node, holding <see cref="UnknownBytes"/> bytes, in the Hello
    /// or in the message around it.
    /// </summary>
    private static WorkerMessage LargeHello(int capacity, bool aroundTheHello)
    {
        var hello = new Hello { WorkerId = $"raw-{Guid.NewGuid():N}"[..16], Capacity = capacity, JobTypes = { "test.echo" } };
        return aroundTheHello
            ? UnknownFields.With(new WorkerMessage { Hello = hello }, UnknownBytes)
            : new WorkerMessage { Hello = UnknownFields.With(hello, UnknownBytes) };
    }
}
