using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Worcr.LocalServices;

/// <summary>
/// A TCP relay on 127.0.0.1 between one client (a node, a worker) and a server (Redis, a node), so a fault test or
/// `worcr bench chaos` can cut that client off while others keep the server: <see cref="Cut"/> drops every relayed connection and refuses new ones (accepted,
/// then closed at once), <see cref="Restore"/> relays again. <see cref="Stall"/> is a network partition instead: every
/// connection stays open but nothing gets through, either way, until <see cref="Restore"/> (as TCP retransmits what was
/// sent during a short partition once it heals); the client hears no error, only silence, until its own timeout.
/// <see cref="LoseAnswer"/> and <see cref="PartitionBefore"/> break one connection at one chosen request (a COMMIT of a
/// chosen transaction): after the server acted on it, or before it could.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private readonly Task _accepting;
    private volatile bool _cut;
    // Completed while bytes flow; a stall swaps in one that Restore completes.
    private volatile TaskCompletionSource _flowing = Flowing();
    private volatile RequestTrap? _trap;

    public TcpProxy(int targetPort)
    {
        _target = new IPEndPoint(IPAddress.Loopback, targetPort);
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    /// <summary>The port clients connect to instead of the server's.</summary>
    public int Port { get; }

    /// <summary>Connections relayed so far (a cut client that reconnects adds to it once restored).</summary>
    public int Accepted { get; private set; }

    /// <summary>Drops every relayed connection and refuses new ones until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        _cut = true;
        CloseAll();
    }

    /// <summary>Stops forwarding on every connection, open or new, without closing any, until <see cref="Restore"/>.</summary>
    public void Stall()
    {
        if (_flowing.Task.IsCompleted) _flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Ends a <see cref="Cut"/> or a <see cref="Stall"/>: new connections are relayed, held bytes go through.</summary>
    public void Restore()
    {
        _cut = false;
        _flowing.TrySetResult();
    }

    /// <summary>
    /// On the first connection whose client sends <paramref name="marker"/> and then <paramref name="request"/> (the
    /// marker's own message when null), the request goes through, and the server's first bytes after it are not: the
    /// connection is reset both ways instead. The server did what was asked (a COMMIT committed before its answer
    /// left) and the client never learns it. Completes once the answer was dropped. Each text is looked for within
    /// what one read of the client's stream returns (a message the client writes in one go).
    /// </summary>
    public Task LoseAnswer(string marker, string? request = null) => Arm(new RequestTrap(marker, request, deliver: true));

    /// <summary>
    /// As <see cref="LoseAnswer"/>, but the connection is reset before the request reaches the server, and every
    /// connection then stalls (<see cref="Stall"/>) until <see cref="Restore"/>: a partition that begins just before
    /// the request (a COMMIT that never arrives, so the server rolls back). Completes once the connection was reset.
    /// </summary>
    public Task PartitionBefore(string marker, string? request = null) => Arm(new RequestTrap(marker, request, deliver: false));

    private Task Arm(RequestTrap trap)
    {
        if (Interlocked.CompareExchange(ref _trap, trap, null) is not null) throw new InvalidOperationException("A request trap is set already.");
        return trap.Sprung.Task;
    }

    private static TaskCompletionSource Flowing()
    {
        var flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        flowing.SetResult();
        return flowing;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            if (_cut)
            {
                client.Dispose();
                continue;
            }
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        var server = new TcpClient();
        try
        {
            await server.ConnectAsync(_target, _stop.Token);
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException)
        {
            client.Dispose();
            server.Dispose();
            return;
        }
        lock (_open)
        {
            Accepted++;
            _open.Add(client);
            _open.Add(server);
        }
        // Either direction ending ends both: a half-open relay would look alive to one side.
        await Task.WhenAny(CopyAsync(client, server, client), CopyAsync(server, client, client));
        client.Dispose();
        server.Dispose();
        lock (_open)
        {
            _open.Remove(client);
            _open.Remove(server);
        }
    }

    /// <param name="client">The client end of the relay, which identifies it to a <see cref="RequestTrap"/>.</param>
    private async Task CopyAsync(TcpClient from, TcpClient to, TcpClient client)
    {
        var fromClient = from == client;
        try
        {
            var source = from.GetStream();
            var target = to.GetStream();
            var buffer = new byte[81920];
            int read;
            while ((read = await source.ReadAsync(buffer, _stop.Token)) > 0)
            {
                await _flowing.Task.WaitAsync(_stop.Token);
                if (_trap is { } trap && trap.Springs(client, fromClient, buffer.AsSpan(0, read)))
                {
                    _trap = null;
                    if (!trap.Deliver) Stall();
                    Reset(from);
                    Reset(to);
                    trap.Sprung.TrySetResult();
                    return;
                }
                await target.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    /// <summary>
    /// Where one connection is to break: the client's marker picks the connection, its request arms the trap, and the
    /// trap springs at the request itself (when it is not to be delivered) or at the server's next bytes.
    /// </summary>
    private sealed class RequestTrap(string marker, string? request, bool deliver)
    {
        private readonly byte[] _marker = Encoding.UTF8.GetBytes(marker);
        private readonly byte[]? _request = request is null ? null : Encoding.UTF8.GetBytes(request);
        private readonly Lock _gate = new();
        private TcpClient? _connection;
        private bool _requested;

        public bool Deliver { get; } = deliver;

        public TaskCompletionSource Sprung { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Whether these bytes, about to be forwarded on <paramref name="client"/>'s relay, must not be.</summary>
        public bool Springs(TcpClient client, bool fromClient, ReadOnlySpan<byte> bytes)
        {
            lock (_gate)
            {
                if (!fromClient) return _requested && _connection == client;
                if (_connection is null)
                {
                    var at = bytes.IndexOf(_marker);
                    if (at < 0) return false;
                    _connection = client;
                    bytes = bytes[at..];
                }
                if (_connection != client || _requested) return false;
                _requested = _request is null || bytes.IndexOf(_request) >= 0;
                return _requested && !Deliver;
            }
        }
    }

    /// <summary>A reset, not a FIN: a cut cable gives the other side no polite goodbye either.</summary>
    private static void Reset(TcpClient connection)
    {
        try
        {
            if (connection.Client is { } socket) socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
        }
        connection.Dispose();
    }

    private void CloseAll()
    {
        TcpClient[] open;
        lock (_open) open = [.. _open];
        foreach (var connection in open) Reset(connection);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        CloseAll();
        await _accepting;
        _stop.Dispose();
    }
}
