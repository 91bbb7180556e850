using System.Threading.Channels;
using Npgsql;
using Worcr.Core.Retries;

namespace Worcr.Postgres;

/// <summary>
/// LISTENs on a dedicated connection and forwards every NOTIFY to <see cref="Notifications"/>. When the connection
/// is lost it reconnects with backoff, LISTENs again and then writes a "reconnected" notification (channel ""),
/// because anything sent while it was away is gone and the reader must reconcile from the tables.
/// </summary>
public sealed class PostgresListener : IAsyncDisposable
{
    // A quiet connection is pinged this often, so a silently dead one is noticed.
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(15);

    private readonly NpgsqlDataSource _dataSource;
    private readonly IReadOnlyList<string> _channels;
    // A reader waiting for the next notification goes on at once on the connection's read loop, not after a thread
    // switch: a new job's NOTIFY reaches the dispatcher one hand-over sooner. Readers must not block (the node's pump
    // only queues work and wakes loops).
    private readonly Channel<Notification> _notifications = Channel.CreateUnbounded<Notification>(
        new UnboundedChannelOptions { SingleWriter = true, AllowSynchronousContinuations = true });
    private readonly CancellationTokenSource _stop = new();
    // 100 ms doubling up to 5 s after the first failed try; the jitter spreads the reconnects of many nodes after a server restart.
    private static readonly RetryBackoff Backoff = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), jitter: 0.2);
    private Task _loop = Task.CompletedTask;

    private PostgresListener(NpgsqlDataSource dataSource, IReadOnlyList<string> channels)
    {
        _dataSource = dataSource;
        _channels = channels;
    }

    public ChannelReader<Notification> Notifications => _notifications.Reader;

    /// <summary>Returns once the channels are listened to: a NOTIFY committed after that is delivered.</summary>
    public static async Task<PostgresListener> StartAsync(NpgsqlDataSource dataSource, IReadOnlyList<string> channels, CancellationToken ct = default)
    {
        if (channels.Count == 0) throw new ArgumentException("Listen to at least one channel.", nameof(channels));
        foreach (var channel in channels) ListenSql.ValidateChannel(channel);
        var listener = new PostgresListener(dataSource, channels);
        var connection = await listener.ConnectAsync(ct);
        listener._loop = Task.Run(() => listener.RunAsync(connection), CancellationToken.None);
        return listener;
    }

    private async Task<NpgsqlConnection> ConnectAsync(CancellationToken ct)
    {
        var connection = await _dataSource.OpenConnectionAsync(ct);
        try
        {
            connection.Notification += (_, e) => _notifications.Writer.TryWrite(new Notification(e.Channel, e.Payload));
            await using var command = new NpgsqlCommand(ListenSql.For(_channels), connection);
            await command.ExecuteNonQueryAsync(ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task RunAsync(NpgsqlConnection connection)
    {
        var ct = _stop.Token;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await WaitUntilBrokenAsync(connection, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception)
            {
                // Whatever broke the connection (server restart, network, protocol), the cure is a new one.
            }
            await ReleaseAsync(connection);
            var reconnected = await ReconnectAsync(ct);
            if (reconnected is null) return;
            connection = reconnected;
            _notifications.Writer.TryWrite(new Notification("", Notification.ReconnectedPayload));
        }
        await ReleaseAsync(connection);
    }

    /// <summary>
    /// Gives the connection back. A pooled connection is not reset on its way back (<see cref="ConnectionDefaults"/>),
    /// so one still open stops listening first: the next user of that connection must not receive this node's
    /// notifications. A broken one is not pooled again anyway.
    /// </summary>
    private static async Task ReleaseAsync(NpgsqlConnection connection)
    {
        if (connection.FullState == System.Data.ConnectionState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await using var unlisten = new NpgsqlCommand("UNLISTEN *", connection);
                await unlisten.ExecuteNonQueryAsync(timeout.Token);
            }
            catch (Exception)
            {
                // Still listening, perhaps: the pool closes this connection when it comes back (idle ones too, a rare cost).
                NpgsqlConnection.ClearPool(connection);
            }
        }
        await connection.DisposeAsync();
    }

    private async Task WaitUntilBrokenAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        while (true)
        {
            if (await connection.WaitAsync(PingInterval, ct)) continue;
            await using var ping = new NpgsqlCommand("SELECT 1", connection);
            await ping.ExecuteNonQueryAsync(ct);
        }
    }

    private async Task<NpgsqlConnection?> ReconnectAsync(CancellationToken ct)
    {
        // Idle pooled connections died with the old connection's server; do not hand them out again.
        _dataSource.Clear();
        // The first try is immediate: the server may only have closed this one connection.
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (failures > 0) await Task.Delay(Backoff.DelayAfter(failures), ct);
                return await ConnectAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return null;
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                // Still down; back off and try again.
                failures++;
            }
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _notifications.Writer.TryComplete();
        _stop.Dispose();
    }
}
