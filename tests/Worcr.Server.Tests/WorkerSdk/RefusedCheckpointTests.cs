using Worcr.Protocol.V1;
using Worcr.Worker;
using Worcr.Worker.Internal;

namespace Worcr.Server.Tests.WorkerSdk;

/// <summary>
/// A checkpoint the node refused tells the handler whether saving it again can help: Unavailable when PostgreSQL was
/// unavailable (the attempt still runs; nothing was saved), FailedPrecondition when the attempt is no longer its own.
/// </summary>
public sealed class RefusedCheckpointTests
{
    [Fact]
    public async Task A_checkpoint_refused_as_retryable_throws_Unavailable_and_is_not_kept()
    {
        var context = new JobContext(new Assign { JobId = "7", Attempt = 1 },
            new AnsweringLink(new Ack { Ok = false, Retryable = true, Error = "PostgreSQL is unavailable; the checkpoint was not saved: try again" }),
            CancellationToken.None);

        var refused = await Assert.ThrowsAsync<WorcrNodeException>(() => context.CheckpointAsync("step", "3"));

        Assert.Equal(WorcrErrorCode.Unavailable, refused.Code);
        Assert.Contains("try again", refused.Message, StringComparison.Ordinal);
        Assert.Empty(context.Checkpoints);
    }

    [Fact]
    public async Task A_checkpoint_refused_for_a_stale_attempt_throws_FailedPrecondition()
    {
        var context = new JobContext(new Assign { JobId = "7", Attempt = 1 }, new AnsweringLink(new Ack { Ok = false, Error = "no longer running" }),
            CancellationToken.None);

        var refused = await Assert.ThrowsAsync<WorcrNodeException>(() => context.CheckpointAsync("step", "3"));

        Assert.Equal(WorcrErrorCode.FailedPrecondition, refused.Code);
    }

    /// <summary>Answers every request with the same Ack.</summary>
    private sealed class AnsweringLink(Ack answer) : ISessionLink
    {
        public void Post(WorkerMessage message) { }

        public Task<Ack> RequestAsync(WorkerMessage message) => Task.FromResult(new Ack(answer) { RequestId = message.RequestId });

        public void ReportProgress(Progress progress) { }

        public Task<AcquireLimitResponse> AcquireLimitAsync(AcquireLimitRequest request, CancellationToken ct) => throw new NotSupportedException();
    }
}
