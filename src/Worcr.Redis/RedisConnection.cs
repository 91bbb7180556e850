using System.Collections.Concurrent;
using StackExchange.Redis;
using Worcr.Redis.Internal;

namespace Worcr.Redis;

/// <summary>
/// A node's one connection to Redis: a shared StackExchange.Redis multiplexer (standalone, TLS, Sentinel or Cluster,
/// as the URL says) that pipelines every caller's commands, caches scripts (EVALSHA, EVAL after a NOSCRIPT),
/// reconnects by itself and re-subscribes pub/sub channels. Commands in flight when a connection drops fail with a
/// <see cref="RedisConnectionException"/> and are not replayed; commands sent while it is down wait for the
/// reconnect up to <see cref="RedisOptions.CommandTimeout"/>.
/// </summary>
public sealed class RedisConnection : IAsyncDisposable
{
    private ConnectionMultiplexer? _multiplexer;
    private IDatabase? _database;
    private ScriptCallCoalescer? _scripts;
    private readonly ConcurrentDictionary<string, RedisScript> _scriptsByText = new(StringComparer.Ordinal);
    private int _disposed;

    private RedisConnection(RedisOptions options)
    {
        Options = options;
    }

    public RedisOptions Options { get; }

    /// <summary>The multiplexer, for what the wrappers here do not cover (server commands); it exists once opened.</summary>
    public IConnectionMultiplexer Multiplexer => _multiplexer ?? throw NotOpened();

    /// <summary>The database the URL names; it exists once opened.</summary>
    public IDatabase Database => _database ?? throw NotOpened();

    /// <summary>True while at least one server is reachable (false before <see cref="OpenAsync"/>).</summary>
    public bool IsConnected => _multiplexer?.IsConnected ?? false;

    /// <summary>
    /// Raised when a physical connection (interactive or subscription) failed. Handlers may be added before the
    /// connection is opened: a node's components are built first and the connection opens in a start step.
    /// </summary>
    public event EventHandler<ConnectionFailedEventArgs>? ConnectionFailed;

    /// <summary>Raised when a physical connection came back (see <see cref="ConnectionFailed"/>).</summary>
    public event EventHandler<ConnectionFailedEventArgs>? ConnectionRestored;

    /// <summary>Connects (failing with <see cref="RedisConnectionException"/> when that does not work), then keeps the connection up.</summary>
    public static async Task<RedisConnection> ConnectAsync(RedisOptions options, CancellationToken cancellationToken = default)
    {
        var connection = Unopened(options);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>A connection that opens later, with <see cref="OpenAsync"/>; until then only events may be subscribed.</summary>
    public static RedisConnection Unopened(RedisOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new RedisConnection(options);
    }

    /// <summary>Connects (failing with <see cref="RedisConnectionException"/> when that does not work), then keeps the connection up.</summary>
    public async Task OpenAsync(CancellationToken cancellationToken = default)
    {
        if (_multiplexer is not null) throw new InvalidOperationException("This Redis connection is already open.");
        ObjectDisposedException.ThrowIf(_disposed == 1, this);
        var configuration = RedisConfiguration.From(Options);
        var connecting = ConnectionMultiplexer.ConnectAsync(configuration);
        ConnectionMultiplexer multiplexer;
        try
        {
            multiplexer = await connecting.WaitAsync(cancellationToken);
        }
        catch (RedisConnectionException e)
        {
            // Say which Redis (the password left out): the library's message names only its own endpoints list.
            throw new RedisConnectionException(e.FailureType, CommandFlags.None, $"Could not connect to Redis at {RedisUrl.Parse(Options.Url)} (RedisOptions.Url): {e.Message}", e, e.CommandStatus);
        }
        catch (OperationCanceledException)
        {
            // The attempt goes on without us: close what it opens.
            _ = connecting.ContinueWith(t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            throw;
        }
        multiplexer.ConnectionFailed += (_, e) => ConnectionFailed?.Invoke(this, e);
        multiplexer.ConnectionRestored += (_, e) => ConnectionRestored?.Invoke(this, e);
        _database = multiplexer.GetDatabase();
        _scripts = new ScriptCallCoalescer(_database);
        _multiplexer = multiplexer;
    }

    /// <summary>
    /// Runs a Lua script on the slot of its keys (which must share one: Worcr's keys carry hash tags), by its SHA1
    /// like Worcr's own scripts: the text is hashed once per distinct script and kept (callers pass a few constant
    /// scripts, not generated ones).
    /// </summary>
    public Task<RedisResult> EvalAsync(string script, RedisKey[] keys, RedisValue[] args, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(script);
        return EvalAsync(_scriptsByText.GetOrAdd(script, static text => new RedisScript(text)), keys, args, cancellationToken);
    }

    /// <summary>
    /// Runs one of Worcr's own scripts by its SHA1 (EVALSHA, the cheapest call). A server that has not seen it yet
    /// (a new server, a restart, a failover, SCRIPT FLUSH) answers NOSCRIPT, and the script then goes by its text,
    /// which loads it there for the next calls. A script only reads and writes after it started, so a NOSCRIPT
    /// reply means it did nothing and sending it again is safe. Calls made while others are in flight go out together
    /// in one write (<see cref="ScriptCallCoalescer"/>).
    /// </summary>
    internal async Task<RedisResult> EvalAsync(RedisScript script, RedisKey[] keys, RedisValue[] args, CancellationToken cancellationToken = default)
    {
        try
        {
            return await Cancellable(Scripts.EvaluateAsync(script.Sha1, keys, args), cancellationToken);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            return await Cancellable(Database.ScriptEvaluateAsync(script.Text, keys, args), cancellationToken);
        }
    }

    /// <summary>Publishes <paramref name="message"/> and returns how many subscribers received it (on a Cluster, those of the node that took it).</summary>
    public Task<long> PublishAsync(string channel, string message) =>
        Database.PublishAsync(RedisChannel.Literal(channel), message);

    /// <summary>Where script calls go out (together when several are in flight); it exists once opened.</summary>
    internal ScriptCallCoalescer Scripts => _scripts ?? throw NotOpened();

    private static Task<RedisResult> Cancellable(Task<RedisResult> evaluation, CancellationToken cancellationToken) =>
        cancellationToken.CanBeCanceled ? evaluation.WaitAsync(cancellationToken) : evaluation;

    private static InvalidOperationException NotOpened() =>
        new("The Redis connection is not open yet: a node opens it in its first start step, and nothing may use it before.");

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1 || _multiplexer is null) return;
        _scripts?.Close();
        await _multiplexer.CloseAsync(allowCommandsToComplete: false);
        await _multiplexer.DisposeAsync();
    }
}
