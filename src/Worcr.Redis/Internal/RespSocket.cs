using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace Worcr.Redis.Internal;

/// <summary>
/// One TCP connection to Redis that has finished its handshake (HELLO 3, AUTH, SELECT). The handshake runs
/// before anyone else may write, so after every (re)connect the connection speaks RESP3 on the right database.
/// </summary>
internal sealed class RespSocket : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;

    private RespSocket(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _input = PipeReader.Create(_stream);
        _output = PipeWriter.Create(_stream);
    }

    public static async Task<RespSocket> ConnectAsync(RedisEndpoint endpoint, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        RespSocket? connection = null;
        try
        {
            await socket.ConnectAsync(endpoint.Host, endpoint.Port, deadline.Token);
            connection = new RespSocket(socket);
            await connection.HandshakeAsync(endpoint, deadline.Token);
            return connection;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (connection is null) socket.Dispose();
            else await connection.DisposeAsync();
            throw e switch
            {
                OperationCanceledException => new RedisConnectionException(
                    $"Could not connect to Redis at {endpoint} within {timeout} (RedisOptions.ConnectTimeout)."),
                RedisConnectionException => e,
                _ => new RedisConnectionException($"Could not connect to Redis at {endpoint}: {e.Message}", e),
            };
        }
    }

    /// <summary>Copies a command into the send buffer; nothing goes out before <see cref="FlushAsync"/>.</summary>
    public void Write(ReadOnlySpan<byte> command) => _output.Write(command);

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        var result = await _output.FlushAsync(cancellationToken);
        if (result.IsCompleted) throw new RedisConnectionException("Redis closed the connection.");
    }

    /// <summary>Reads replies until the connection ends; always ends with an exception.</summary>
    public Task ReadRepliesAsync(Action<RedisValue> onReply, CancellationToken cancellationToken) =>
        RespReader.ReadRepliesAsync(_input, onReply, cancellationToken);

    public Task<RedisValue> ReadOneAsync(CancellationToken cancellationToken) => RespReader.ReadOneAsync(_input, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        // Shutting the socket down first wakes a pending read at once.
        try { _socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { } catch (ObjectDisposedException) { }
        await _input.CompleteAsync();
        await _output.CompleteAsync();
        await _stream.DisposeAsync();
    }

    private async Task HandshakeAsync(RedisEndpoint endpoint, CancellationToken cancellationToken)
    {
        List<object> hello = ["3"];
        if (endpoint.Password is not null) hello.AddRange(["AUTH", endpoint.User ?? "default", endpoint.Password]);
        Write(RespCommandEncoder.Encode("HELLO", hello));
        if (endpoint.Database != 0) Write(RespCommandEncoder.Encode("SELECT", [endpoint.Database]));
        await FlushAsync(cancellationToken);
        ThrowIfError(await ReadOneAsync(cancellationToken), "HELLO 3 failed (Redis 6 or later is needed; check the user and password in RedisOptions.Url)");
        if (endpoint.Database != 0) ThrowIfError(await ReadOneAsync(cancellationToken), $"SELECT {endpoint.Database} failed");
    }

    private static void ThrowIfError(RedisValue reply, string what)
    {
        if (reply is RedisError error) throw new RedisConnectionException($"{what}: {error.Message}");
    }
}
