namespace Worcr.Server.Tests.Limits;

/// <summary>Re-reads a condition held by a server (Redis, another node) until it is true or the timeout passes.</summary>
internal static class Probe
{
    public static async Task<bool> WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        try
        {
            return await Infrastructure.Eventually.ReadUntilAsync(condition, met => met, timeout, "the condition");
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
