namespace Worcr.Server.Hosting;

/// <summary>
/// Raised by a background component each time it finishes a round or a reload, so a test can await "the next
/// round" and then check the state it expects instead of sleeping and polling. Raising costs an increment and a
/// read when nobody waits: no allocation on the component's path.
/// </summary>
internal sealed class RoundSignal
{
    private TaskCompletionSource? _next;
    private long _rounds;

    /// <summary>Rounds finished since the component started.</summary>
    public long Rounds => Interlocked.Read(ref _rounds);

    public void Raise()
    {
        Interlocked.Increment(ref _rounds);
        if (Volatile.Read(ref _next) is null) return;
        Interlocked.Exchange(ref _next, null)?.TrySetResult();
    }

    /// <summary>
    /// Completes when a round ends after this call. A round already under way may be that one, so re-check the state
    /// afterwards, as <see cref="WaitUntilAsync(Func{Task{bool}}, TimeSpan, string)"/> does.
    /// </summary>
    public Task NextAsync()
    {
        var next = Volatile.Read(ref _next);
        if (next is not null) return next.Task;
        var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return (Interlocked.CompareExchange(ref _next, created, null) ?? created).Task;
    }

    /// <summary>Checks <paramref name="condition"/> now and after each finished round until it holds.</summary>
    /// <exception cref="TimeoutException">The condition still did not hold after <paramref name="timeout"/>.</exception>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string waitingFor)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            // Ask for the next round before checking, so a round that ends between the check and the wait is not missed.
            var next = NextAsync();
            if (await condition()) return;
            try
            {
                await next.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                if (await condition()) return;
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0.#} s ({Rounds} rounds) for {waitingFor}.");
            }
        }
    }

    public Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string waitingFor) =>
        WaitUntilAsync(() => Task.FromResult(condition()), timeout, waitingFor);
}
