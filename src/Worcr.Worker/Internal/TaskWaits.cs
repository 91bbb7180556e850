namespace Worcr.Worker.Internal;

internal static class TaskWaits
{
    /// <summary>Waits for <paramref name="task"/> at most <paramref name="limit"/>; never throws, and a failure it meets later is observed.</summary>
    public static async Task WaitAtMostAsync(Task task, TimeSpan limit)
    {
        try
        {
            await task.WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            // The caller stops waiting; the task may still fail (a request failed when its stream ends), unobserved.
            _ = task.ContinueWith(static late => _ = late.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
        catch (Exception)
        {
            // Faulted: the caller only needed to stop waiting.
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
