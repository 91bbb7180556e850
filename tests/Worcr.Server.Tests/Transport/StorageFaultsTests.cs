using System.Net.Sockets;
using Npgsql;
using StackExchange.Redis;
using Worcr.Server.Transport;

namespace Worcr.Server.Tests.Transport;

public sealed class StorageFaultsTests
{
    [Fact]
    public void Lost_connections_and_timeouts_are_unreachable_storage()
    {
        Assert.True(StorageFaults.IsUnreachable(new NpgsqlException("Exception while reading from stream", new EndOfStreamException())));
        Assert.True(StorageFaults.IsUnreachable(new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.True(StorageFaults.IsUnreachable(new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None, "down")));
        Assert.True(StorageFaults.IsUnreachable(new RedisTimeoutException(CommandFlags.None, "slow", CommandStatus.Sent)));
    }

    [Fact]
    public void Errors_of_the_call_itself_are_not()
    {
        Assert.False(StorageFaults.IsUnreachable(new NpgsqlException("bad statement")));
        Assert.False(StorageFaults.IsUnreachable(new InvalidOperationException("bug")));
        Assert.False(StorageFaults.IsUnreachable(new RedisException("ERR wrong number of arguments")));
    }
}
