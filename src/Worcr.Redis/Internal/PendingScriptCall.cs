using StackExchange.Redis;

namespace Worcr.Redis.Internal;

/// <summary>A script call waiting for the next batch of <see cref="ScriptCallCoalescer"/>, and the reply its caller awaits.</summary>
internal sealed class PendingScriptCall(byte[] sha1, RedisKey[] keys, RedisValue[] args, ScriptCallCoalescer coalescer)
{
    private int _ended;

    public byte[] Sha1 { get; } = sha1;

    public RedisKey[] Keys { get; } = keys;

    public RedisValue[] Args { get; } = args;

    /// <summary>
    /// Completed where the library's own reply task completes, which is already off its socket reader (its tasks run
    /// their continuations asynchronously), so the caller continues there without a second hand-over.
    /// </summary>
    public TaskCompletionSource<RedisResult> Reply { get; } = new();

    /// <summary>Completes <see cref="Reply"/> as the batched call ends, with its result, its error or its cancellation.</summary>
    public void Follow(Task<RedisResult> sent) =>
        sent.ContinueWith(static (done, state) => ((PendingScriptCall)state!).Ended(done), this,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <summary>Fails the call when its batch could not be sent at all.</summary>
    public void Fail(Exception error)
    {
        if (Interlocked.Exchange(ref _ended, 1) == 1) return;
        coalescer.Ended();
        Reply.TrySetException(error);
    }

    private void Ended(Task<RedisResult> done)
    {
        if (Interlocked.Exchange(ref _ended, 1) == 1) return;
        coalescer.Ended();
        if (done.IsCanceled) Reply.TrySetCanceled();
        else if (done.Exception is { } error) Reply.TrySetException(error.InnerExceptions);
        else Reply.TrySetResult(done.Result);
    }
}
