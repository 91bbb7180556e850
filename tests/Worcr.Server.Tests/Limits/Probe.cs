namespace Worcr.Server.Tests.Limits;

/// <summary>Re-reads a condition held by a server (Redis, another node) until it is true or the timeout passes.</summary>
internal static class Probe
{
    public static async Task<bool> WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return true;
            await Task.Delay(50);
        }
        return await condition();
    }
}
