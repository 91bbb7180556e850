using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using Grpc.Net.Client;
using Worcr.Protocol.V1;
using Worcr.Server.Hosting;

namespace Worcr.Server.Tests.Infrastructure;

/// <summary>
/// A worker made by hand on the raw Connect stream, so a test sends exactly the messages it wants (hostile ones
/// included): Assigns are queued as they arrive, Acks are matched to their request, and the stream's end is kept.
/// </summary>
internal sealed class RawWorker : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The node lease for a test whose raw worker holds a job it does not finish at once. A raw worker sends no
    /// heartbeats, so under <see cref="TestCluster"/>'s 5 s lease the node stops its attempt after 4 s (the lease less
    /// the 1 s heartbeat margin) and the reaper requeues it at 5 s; a loaded machine takes that long over a few round
    /// trips. Longer than any test, the held job stays held however slow the machine.
    /// </summary>
    public static readonly TimeSpan HeldLease = TimeSpan.FromMinutes(5);
    private readonly GrpcChannel _channel;
    private readonly AsyncDuplexStreamingCall<WorkerMessage, DispatcherMessage> _call;
    private readonly Channel<Assign> _assigns = Channel.CreateUnbounded<Assign>();
    private readonly ConcurrentQueue<Cancel> _cancels = new();
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource<Ack>> _acks = new();
    private readonly TaskCompletionSource<Welcome> _welcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<RpcException?> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<Drain> _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly Task _reading;
    private long _nextRequest;
    private int _assignsReceived;
    private int _batchesReceived;

    private RawWorker(GrpcChannel channel, string workerId)
    {
        _channel = channel;
        WorkerId = workerId;
        _call = new Protocol.V1.Workers.WorkersClient(channel).Connect();
        _reading = Task.Run(ReadAsync);
    }

    public string WorkerId { get; }

    /// <summary>Completes with the Welcome, or faults when the node refused the Hello.</summary>
    public Task<Welcome> Welcomed => _welcome.Task;

    /// <summary>Completes when the node ended the stream: null for status OK, else the status.</summary>
    public Task<RpcException?> Ended => _ended.Task;

    /// <summary>Completes with the first Drain the node sent.</summary>
    public Task<Drain> Drained => _drained.Task;

    /// <summary>Assigns received so far (including those not taken with <see cref="NextAssignAsync"/>).</summary>
    public int AssignsReceived => Volatile.Read(ref _assignsReceived);

    /// <summary>Cancels received so far, in their order.</summary>
    public IReadOnlyCollection<Cancel> CancelsReceived => _cancels;

    /// <summary>DispatcherBatch messages received so far (their messages are handled one by one, as if sent alone).</summary>
    public int BatchesReceived => Volatile.Read(ref _batchesReceived);

    /// <summary>Opens a stream and sends Hello; does not wait for the Welcome (see <see cref="Welcomed"/>).</summary>
    public static Task<RawWorker> ConnectAsync(DispatcherNode node, int capacity, string? workerId = null, params string[] jobTypes) =>
        ConnectAsync(node, capacity, batches: false, workerId, jobTypes);

    /// <summary>As <see cref="ConnectAsync(DispatcherNode, int, string?, string[])"/>, with Hello.batches set as given.</summary>
    public static async Task<RawWorker> ConnectAsync(DispatcherNode node, int capacity, bool batches, string? workerId = null, params string[] jobTypes)
    {
        var worker = new RawWorker(GrpcChannel.ForAddress(node.GrpcAddress, new GrpcChannelOptions { MaxReceiveMessageSize = null }),
            workerId ?? $"raw-{Guid.NewGuid():N}"[..16]);
        var hello = new Hello { WorkerId = worker.WorkerId, Capacity = capacity, Batches = batches };
        hello.JobTypes.AddRange(jobTypes.Length == 0 ? ["test.echo"] : jobTypes);
        await worker.SendAsync(new WorkerMessage { Hello = hello });
        return worker;
    }

    /// <summary>
    /// Opens a stream and sends <paramref name="first"/>, a Hello, as it is (unknown fields included); does not wait
    /// for the Welcome. Keeps no reference to it, so a test measuring what the node keeps of it holds none itself.
    /// </summary>
    public static async Task<RawWorker> ConnectAsync(DispatcherNode node, WorkerMessage first)
    {
        var worker = new RawWorker(GrpcChannel.ForAddress(node.GrpcAddress, new GrpcChannelOptions { MaxReceiveMessageSize = null }), first.Hello.WorkerId);
        await worker.SendAsync(first);
        return worker;
    }

    public async Task SendAsync(WorkerMessage message)
    {
        // A gRPC stream refuses concurrent writes.
        await _writing.WaitAsync();
        try
        {
            await _call.RequestStream.WriteAsync(message);
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>Sends the message with a fresh request id and returns the node's Ack for it.</summary>
    public async Task<Ack> RequestAsync(WorkerMessage message)
    {
        var id = (ulong)Interlocked.Increment(ref _nextRequest);
        var ack = _acks.GetOrAdd(id, _ => new TaskCompletionSource<Ack>(TaskCreationOptions.RunContinuationsAsynchronously));
        message.RequestId = id;
        await SendAsync(message);
        return await ack.Task.WaitAsync(Patience);
    }

    /// <summary>
    /// Sends the message with a fresh request id and returns, once it is sent, the node's Ack for it, which does not
    /// keep the message: a test measuring what the node keeps of its messages holds none of them while it waits.
    /// </summary>
    public async Task<Task<Ack>> SendRequestAsync(WorkerMessage message)
    {
        var id = (ulong)Interlocked.Increment(ref _nextRequest);
        var ack = _acks.GetOrAdd(id, _ => new TaskCompletionSource<Ack>(TaskCreationOptions.RunContinuationsAsynchronously));
        message.RequestId = id;
        await SendAsync(message);
        return ack.Task.WaitAsync(Patience);
    }

    /// <summary>
    /// Sends <paramref name="requests"/> (each with a fresh request id) and then <paramref name="tail"/> in one WorkerBatch,
    /// and returns the node's Acks for the requests, in their order.
    /// </summary>
    public async Task<Ack[]> RequestBatchAsync(IReadOnlyList<WorkerMessage> requests, params WorkerMessage[] tail)
    {
        var batch = new WorkerBatch();
        var answers = new List<Task<Ack>>();
        foreach (var request in requests)
        {
            var id = (ulong)Interlocked.Increment(ref _nextRequest);
            answers.Add(_acks.GetOrAdd(id, _ => new TaskCompletionSource<Ack>(TaskCreationOptions.RunContinuationsAsynchronously)).Task);
            request.RequestId = id;
            batch.Messages.Add(request);
        }
        batch.Messages.AddRange(tail);
        await SendAsync(new WorkerMessage { Batch = batch });
        return await Task.WhenAll(answers).WaitAsync(Patience);
    }

    /// <summary>Ends the worker's side of the stream, as a worker that leaves cleanly; the node then ends its side (see <see cref="Ended"/>).</summary>
    public async Task LeaveAsync()
    {
        await _writing.WaitAsync();
        try
        {
            await _call.RequestStream.CompleteAsync();
        }
        finally
        {
            _writing.Release();
        }
    }

    public async Task<Assign> NextAssignAsync() => await _assigns.Reader.ReadAsync().AsTask().WaitAsync(Patience);

    public async ValueTask DisposeAsync()
    {
        await _call.RequestStream.CompleteAsync().ContinueWith(_ => { }, TaskScheduler.Default);
        _call.Dispose();
        await _reading.ContinueWith(_ => { }, TaskScheduler.Default);
        _channel.Dispose();
        _writing.Dispose();
    }

    private async Task ReadAsync()
    {
        try
        {
            await foreach (var message in _call.ResponseStream.ReadAllAsync())
            {
                if (message.Batch is { } batch)
                {
                    Interlocked.Increment(ref _batchesReceived);
                    foreach (var inner in batch.Messages) Handle(inner);
                }
                else
                {
                    Handle(message);
                }
            }
            _welcome.TrySetException(new InvalidOperationException("The stream ended before a Welcome."));
            _ended.TrySetResult(null);
        }
        catch (RpcException exception)
        {
            _welcome.TrySetException(exception);
            _ended.TrySetResult(exception);
        }
        catch (Exception exception)
        {
            _welcome.TrySetException(exception);
            _ended.TrySetException(exception);
        }
    }

    private void Handle(DispatcherMessage message)
    {
        switch (message.MessageCase)
        {
            case DispatcherMessage.MessageOneofCase.Welcome:
                _welcome.TrySetResult(message.Welcome);
                break;
            case DispatcherMessage.MessageOneofCase.Assign:
                Interlocked.Increment(ref _assignsReceived);
                _assigns.Writer.TryWrite(message.Assign);
                break;
            case DispatcherMessage.MessageOneofCase.Cancel:
                _cancels.Enqueue(message.Cancel);
                break;
            case DispatcherMessage.MessageOneofCase.Drain:
                _drained.TrySetResult(message.Drain);
                break;
            case DispatcherMessage.MessageOneofCase.Ack:
                _acks.GetOrAdd(message.Ack.RequestId, _ => new TaskCompletionSource<Ack>(TaskCreationOptions.RunContinuationsAsynchronously))
                    .TrySetResult(message.Ack);
                break;
        }
    }
}
