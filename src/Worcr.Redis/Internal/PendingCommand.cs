namespace Worcr.Redis.Internal;

/// <summary>An encoded command and the caller waiting for its reply.</summary>
internal sealed class PendingCommand(byte[] payload)
{
    public byte[] Payload { get; } = payload;

    // RunContinuationsAsynchronously: the reader loop completes these; without it a caller's continuation would
    // run on the reader's thread, and a caller that then blocks on another command would stall every reply.
    public TaskCompletionSource<RedisValue> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The caller gave up (timeout, cancellation): the writer skips it, and a late reply is dropped.</summary>
    public bool IsAbandoned => Completion.Task.IsCompleted;

    public void Abandon() => Completion.TrySetCanceled();

    public void Complete(RedisValue reply)
    {
        if (reply is RedisError error) Completion.TrySetException(new RedisServerException(error.Message));
        else Completion.TrySetResult(reply);
    }

    public void Fail(Exception exception) => Completion.TrySetException(exception);
}
