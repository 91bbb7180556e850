namespace Worcr.Cli.Dev;

/// <summary>What `worcr dev` was asked for.</summary>
internal sealed record DevSettings(string? PostgresUrl, string? RedisUrl, int GrpcPort, int HttpPort, bool Demo, string DataDirectory);
