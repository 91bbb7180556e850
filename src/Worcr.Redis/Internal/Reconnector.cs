namespace Worcr.Redis.Internal;

/// <summary>Connects again after a connection is lost, backing off from 50 ms to 2 s with jitter so that many nodes do not retry in step.</summary>
internal static class Reconnector
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(2);

    /// <summary>A connected socket, or null once <paramref name="stopping"/> is cancelled.</summary>
    public static async Task<RespSocket?> ConnectWithBackoffAsync(RedisOptions options, CancellationToken stopping)
    {
        var delay = FirstDelay;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                return await RespSocket.ConnectAsync(options.Endpoint, options.ConnectTimeout, stopping);
            }
            catch (RedisConnectionException)
            {
                if (!await DelayAsync(Jitter(delay), stopping)) return null;
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }
        return null;
    }

    private static TimeSpan Jitter(TimeSpan delay) => delay * (0.75 + Random.Shared.NextDouble() / 2);

    private static async Task<bool> DelayAsync(TimeSpan delay, CancellationToken stopping)
    {
        try
        {
            await Task.Delay(delay, stopping);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
