using Worcr.Core.Jobs;

namespace Worcr.Server.Enqueue;

/// <summary>One single Enqueue call waiting in the <see cref="EnqueueBatcher"/> for its batch to be stored.</summary>
internal sealed class PendingEnqueue(NewJob job, CancellationToken callCancelled)
{
    public NewJob Job { get; } = job;

    /// <summary>The caller gave up: a call still queued is dropped instead of stored.</summary>
    public CancellationToken CallCancelled { get; } = callCancelled;

    public TaskCompletionSource<EnqueuedJob> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
