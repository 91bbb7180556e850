using System.Threading.Channels;
using Worcr.Redis.Internal;

namespace Worcr.Redis;

/// <summary>
/// One socket to Redis shared by any number of concurrent callers: commands are pipelined automatically.
/// When the connection drops, commands in flight fail with <see cref="RedisConnectionException"/> (never replayed),
/// the connection comes back in the background, and new commands wait for it up to <see cref="RedisOptions.CommandTimeout"/>.
/// Do not send SUBSCRIBE here: use <see cref="RedisSubscriber"/>.
/// </summary>
public sealed class RedisConnection : IAsyncDisposable
{
    private readonly RedisOptions _options;
    private readonly Channel<PendingCommand> _queue = Channel.CreateUnbounded<PendingCommand>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _disposing = new();
    private volatile ConnectionSession? _session;
    private Task _supervisor = Task.CompletedTask;

    private RedisConnection(RedisOptions options) => _options = options;

    /// <summary>True while a socket is up; false while reconnecting.</summary>
    public bool IsConnected => _session is { IsAlive: true };

    /// <summary>Connects once (failing with <see cref="RedisConnectionException"/> if that does not work), then keeps the connection up.</summary>
    public static async Task<RedisConnection> ConnectAsync(RedisOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var socket = await RespSocket.ConnectAsync(options.Endpoint, options.ConnectTimeout, cancellationToken);
        var connection = new RedisConnection(options);
        connection._session = ConnectionSession.Start(socket, connection._queue.Reader);
        connection._supervisor = connection.SuperviseAsync();
        return connection;
    }

    public Task<RedisValue> ExecuteAsync(string command, params object[] args) => ExecuteAsync(command, args, CancellationToken.None);

    /// <summary>Sends one command. Error replies throw <see cref="RedisServerException"/>; no reply in time throws <see cref="TimeoutException"/>.</summary>
    public async Task<RedisValue> ExecuteAsync(string command, IReadOnlyList<object> args, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposing.IsCancellationRequested, this);
        var pending = new PendingCommand(RespCommandEncoder.Encode(command, args));
        if (!_queue.Writer.TryWrite(pending)) throw new ObjectDisposedException(nameof(RedisConnection));
        try
        {
            return await pending.Completion.Task.WaitAsync(_options.CommandTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            pending.Abandon();
            var state = IsConnected ? "" : " The connection is down and is being re-established.";
            throw new TimeoutException($"Redis did not answer {command} within {_options.CommandTimeout} (RedisOptions.CommandTimeout).{state}");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            pending.Abandon();
            throw;
        }
    }

    /// <summary>Runs a script by its SHA1 and sends the source only when Redis does not know it (NOSCRIPT), e.g. after a restart or SCRIPT FLUSH.</summary>
    public async Task<RedisValue> EvalAsync(RedisScript script, IReadOnlyList<string> keys, IReadOnlyList<object> args,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(script);
        var arguments = new List<object>(2 + keys.Count + args.Count) { script.Sha1, keys.Count };
        arguments.AddRange(keys);
        arguments.AddRange(args);
        try
        {
            return await ExecuteAsync("EVALSHA", arguments, cancellationToken);
        }
        catch (RedisServerException e) when (e.Prefix == "NOSCRIPT")
        {
            arguments[0] = script.Source;
            return await ExecuteAsync("EVAL", arguments, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposing.IsCancellationRequested) return;
        await _disposing.CancelAsync();
        _queue.Writer.TryComplete();
        if (_session is { } session) await session.StopAsync();
        await _supervisor;
        // A reconnect may have finished while we were stopping the previous session.
        if (_session is { } latest) await latest.StopAsync();
        while (_queue.Reader.TryRead(out var pending)) pending.Fail(new ObjectDisposedException(nameof(RedisConnection)));
        _disposing.Dispose();
    }

    private async Task SuperviseAsync()
    {
        while (_session is { } session)
        {
            await session.Completion;
            if (_disposing.IsCancellationRequested) return;
            // Queued commands stay in the channel meanwhile: they were never sent, so sending them later is safe.
            var socket = await Reconnector.ConnectWithBackoffAsync(_options, _disposing.Token);
            _session = socket is null ? null : ConnectionSession.Start(socket, _queue.Reader);
        }
    }
}
