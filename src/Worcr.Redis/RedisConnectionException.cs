namespace Worcr.Redis;

/// <summary>
/// The connection to Redis failed or was lost. A command that fails with this exception may or may not have run
/// on the server: it is never replayed automatically.
/// </summary>
public sealed class RedisConnectionException(string message, Exception? innerException = null) : Exception(message, innerException);
