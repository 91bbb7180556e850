namespace Worcr.Redis;

/// <summary>One Redis server (or Sentinel) address from a URL.</summary>
public sealed record RedisHost(string Name, int Port)
{
    public const int DefaultPort = 6379;

    public override string ToString() => Name.Contains(':') ? $"[{Name}]:{Port}" : $"{Name}:{Port}";
}
