using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Worcr.Redis.Internal;

/// <summary>
/// The life of one socket inside a <see cref="RedisConnection"/>: a single writer loop takes queued commands,
/// records each in the in-flight FIFO and then packs it into the send buffer; a single reader loop completes the
/// FIFO in that same order. When either loop stops, the socket is closed and every command in flight fails:
/// it may or may not have run, so it is never sent again.
/// </summary>
internal sealed class ConnectionSession
{
    private const int MaxBytesPerFlush = 64 * 1024;

    private readonly RespSocket _socket;
    private readonly ChannelReader<PendingCommand> _queue;
    private readonly ConcurrentQueue<PendingCommand> _inFlight = new();
    private readonly CancellationTokenSource _stop = new();

    private ConnectionSession(RespSocket socket, ChannelReader<PendingCommand> queue)
    {
        _socket = socket;
        _queue = queue;
        Completion = RunAsync();
    }

    /// <summary>Completes (never faults) once the socket is closed and every command in flight has failed.</summary>
    public Task Completion { get; }

    public bool IsAlive => !_stop.IsCancellationRequested;

    public static ConnectionSession Start(RespSocket socket, ChannelReader<PendingCommand> queue) => new(socket, queue);

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Completion;
    }

    private async Task RunAsync()
    {
        await Task.Yield();
        var writer = WriteLoopAsync(_stop.Token);
        var reader = _socket.ReadRepliesAsync(OnReply, _stop.Token);
        var first = await Task.WhenAny(writer, reader);
        await _stop.CancelAsync();
        await _socket.DisposeAsync();
        await Task.WhenAll(writer, reader).ContinueWith(_ => { }, TaskScheduler.Default);
        // Drained only after the writer stopped, so no command can slip into the FIFO after this.
        FailInFlight(first.Exception?.GetBaseException());
    }

    private async Task WriteLoopAsync(CancellationToken stopping)
    {
        while (await _queue.WaitToReadAsync(stopping))
        {
            var bytes = 0;
            while (bytes < MaxBytesPerFlush && _queue.TryRead(out var command))
            {
                if (command.IsAbandoned) continue;
                _inFlight.Enqueue(command);
                _socket.Write(command.Payload);
                bytes += command.Payload.Length;
            }
            await _socket.FlushAsync(stopping);
        }
    }

    private void OnReply(RedisValue reply)
    {
        // RESP3 pushes (e.g. client-side caching invalidations) are not replies to commands.
        if (reply is RedisPush) return;
        if (!_inFlight.TryDequeue(out var command)) throw new RedisConnectionException("Redis protocol error: a reply arrived for no command.");
        command.Complete(reply);
    }

    private void FailInFlight(Exception? cause)
    {
        var reason = cause is OperationCanceledException or null ? "the connection was closed" : cause.Message;
        while (_inFlight.TryDequeue(out var command))
        {
            command.Fail(new RedisConnectionException(
                $"The connection to Redis was lost while the command was in flight ({reason}); it may or may not have run.", cause));
        }
    }
}
