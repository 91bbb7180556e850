namespace Worcr.Worker.Internal;

internal static class TaskWaits
{
    /// <summary>Waits for <paramref name="task"/> at most <paramref name="limit"/>; never throws (the outcome is observed elsewhere).</summary>
    public static async Task WaitAtMostAsync(Task task, TimeSpan limit)
    {
        try
        {
            await task.WaitAsync(limit);
        }
        catch (Exception)
        {
            // Timed out or faulted: the caller only needed to stop waiting.
        }
    }

    /// <summary>Awaits a background loop that ends by cancellation; its cancellation is the normal way out.</summary>
    public static async Task IgnoreCancellationAsync(Task loop)
    {
        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
            // Expected: the session is over.
        }
    }
}
