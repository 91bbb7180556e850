using System.Net;
using System.Net.Sockets;

namespace Worcr.Server.Tests.Transport;

/// <summary>
/// A TCP relay in front of a node's gRPC port (h2c) that reads the HTTP/2 frame headers going by, so a test can await
/// the node's keep-alive PINGs and the client's answers, and that can fall silent: <see cref="Silence"/> drops every
/// byte both ways while both sockets stay open, as a peer behind a cut cable or a frozen VM looks to the node.
/// </summary>
internal sealed class Http2PingRelay : IAsyncDisposable
{
    private const byte PingFrame = 0x6;
    private const byte AckFlag = 0x1;
    /// <summary>"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", which a client sends before its first frame.</summary>
    private const int ClientPrefaceLength = 24;
    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private readonly Task _accepting;
    private readonly object _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _silent;
    private int _pingAcks;

    public Http2PingRelay(Uri node)
    {
        _target = new IPEndPoint(IPAddress.Loopback, node.Port);
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");
        _accepting = AcceptAsync();
    }

    /// <summary>Where a client connects instead of the node.</summary>
    public Uri Address { get; }

    /// <summary>Connections relayed so far.</summary>
    public int Connections { get; private set; }

    /// <summary>Drops every byte from now on, both ways, without closing anything.</summary>
    public void Silence() => _silent = true;

    /// <summary>Completes once the client has answered <paramref name="count"/> PINGs of the node (each one a PING ACK).</summary>
    public async Task WaitForPingAcksAsync(int count, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_pingAcks >= count) return;
                changed = _changed.Task;
            }
            await changed.WaitAsync(deadline.Token);
        }
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
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        var server = new TcpClient();
        await server.ConnectAsync(_target, _stop.Token);
        lock (_open)
        {
            Connections++;
            _open.Add(client);
            _open.Add(server);
        }
        var fromClient = new FrameHeaders(ClientPrefaceLength, (type, flags) => { if (type == PingFrame && (flags & AckFlag) != 0) OnPingAck(); });
        var fromServer = new FrameHeaders(0, (_, _) => { });
        await Task.WhenAny(CopyAsync(client, server, fromClient), CopyAsync(server, client, fromServer));
    }

    private void OnPingAck()
    {
        lock (_gate)
        {
            _pingAcks++;
            _changed.TrySetResult();
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    private async Task CopyAsync(TcpClient from, TcpClient to, FrameHeaders frames)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.GetStream().ReadAsync(buffer, _stop.Token)) > 0)
            {
                if (_silent) continue;
                frames.Read(buffer.AsSpan(0, read));
                await to.GetStream().WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_open)
        {
            foreach (var connection in _open) connection.Dispose();
        }
        await _accepting;
        _stop.Dispose();
    }

    /// <summary>Follows one direction's HTTP/2 frames by their 9-byte headers (length, type, flags, stream), skipping payloads by count.</summary>
    private sealed class FrameHeaders(int prefaceLength, Action<byte, byte> onFrame)
    {
        private readonly byte[] _header = new byte[9];
        private int _prefaceLeft = prefaceLength;
        private int _headerFilled;
        private int _payloadLeft;

        public void Read(ReadOnlySpan<byte> bytes)
        {
            while (!bytes.IsEmpty)
            {
                var skip = _prefaceLeft > 0 ? _prefaceLeft : _payloadLeft;
                if (skip > 0)
                {
                    var skipped = Math.Min(skip, bytes.Length);
                    if (_prefaceLeft > 0) _prefaceLeft -= skipped;
                    else _payloadLeft -= skipped;
                    bytes = bytes[skipped..];
                    continue;
                }
                var taken = Math.Min(_header.Length - _headerFilled, bytes.Length);
                bytes[..taken].CopyTo(_header.AsSpan(_headerFilled));
                _headerFilled += taken;
                bytes = bytes[taken..];
                if (_headerFilled < _header.Length) return;
                _headerFilled = 0;
                _payloadLeft = (_header[0] << 16) | (_header[1] << 8) | _header[2];
                onFrame(_header[3], _header[4]);
            }
        }
    }
}
