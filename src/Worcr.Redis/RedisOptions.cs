namespace Worcr.Redis;

/// <summary>Where Redis is and how long to wait for it. <see cref="Validate"/> names the setting that is wrong.</summary>
public sealed class RedisOptions
{
    /// <summary>A <see cref="RedisUrl"/>: port 6379 and database 0 when left out.</summary>
    public string Url { get; set; } = "redis://127.0.0.1:6379";

    /// <summary>How long one connection attempt (TCP connect, TLS, AUTH) may take.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a command may wait for its reply, including any wait for a reconnect.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Put in front of every key Worcr writes, so several installations can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "worcr:";

    /// <summary>Options for <paramref name="url"/> with the other settings at their defaults; throws when the URL is not valid.</summary>
    public static RedisOptions Parse(string url)
    {
        var options = new RedisOptions { Url = url };
        options.Validate();
        return options;
    }

    /// <summary>Throws an <see cref="ArgumentException"/> that names the wrong setting and says how to fix it.</summary>
    public void Validate()
    {
        _ = RedisUrl.Parse(Url);
        RequirePositive(ConnectTimeout, nameof(ConnectTimeout));
        RequirePositive(CommandTimeout, nameof(CommandTimeout));
        if (KeyPrefix is null || KeyPrefix.Contains('{') || KeyPrefix.Contains('}'))
        {
            throw new ArgumentException(
                $"RedisOptions.KeyPrefix '{KeyPrefix}' must be set and must not contain '{{' or '}}': Worcr adds its own hash tags.",
                nameof(KeyPrefix));
        }
    }

    private static void RequirePositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException($"RedisOptions.{name} must be positive (it is {value}); e.g. 00:00:05 for 5 seconds.", name);
        }
    }
}
