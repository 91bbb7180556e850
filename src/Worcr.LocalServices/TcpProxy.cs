using System.Net;
using System.Net.Sockets;

namespace Worcr.LocalServices;

/// <summary>
/// A TCP relay on 127.0.0.1 between one client (a node, a worker) and a server (Redis, a node), so a fault test or
/// `worcr bench chaos` can cut that client off while others keep the server: <see cref="Cut"/> drops every relayed connection and refuses new ones (accepted,
/// then closed at once), <see cref="Restore"/> relays again. <see cref="Stall"/> is a network partition instead: every
/// connection stays open but nothing gets through, either way, until <see cref="Restore"/> (as TCP retransmits what was
/// sent during a short partition once it heals); the client hears no error, only silence, until its own timeout.
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
        await Task.WhenAny(CopyAsync(client, server), CopyAsync(server, client));
        client.Dispose();
        server.Dispose();
        lock (_open)
        {
            _open.Remove(client);
            _open.Remove(server);
        }
    }

    private async Task CopyAsync(TcpClient from, TcpClient to)
    {
        try
        {
            var source = from.GetStream();
            var target = to.GetStream();
            var buffer = new byte[81920];
            int read;
            while ((read = await source.ReadAsync(buffer, _stop.Token)) > 0)
            {
                await _flowing.Task.WaitAsync(_stop.Token);
                await target.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    private void CloseAll()
    {
        TcpClient[] open;
        lock (_open) open = [.. _open];
        foreach (var connection in open)
        {
            // A reset, not a FIN: a cut cable gives the client no polite goodbye either.
            try
            {
                if (connection.Client is { } socket) socket.LingerState = new LingerOption(true, 0);
            }
            catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
            {
            }
            connection.Dispose();
        }
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
