using Worcr.Core.Input;
using Worcr.Protocol.V1;
using Worcr.Worker;
using Worcr.Worker.Internal;

namespace Worcr.Server.Tests.WorkerSdk;

/// <summary>
/// The SDK checks a handler's reports against the node's limits before sending them: what the node would refuse or
/// cut, and anything over the gRPC message limit, is dealt with on the worker (OversizedReportTests: on a real node).
/// </summary>
public sealed class ReportLimitTests
{
    [Fact]
    public void A_result_over_the_nodes_limit_becomes_a_non_retryable_failure_that_says_so()
    {
        var json = $"\"{new string('x', ReportLimits.MaxResultBytes - 1)}\"";

        var outcome = Outcomes.Deliverable(new JobResult.Completed(json));

        Assert.Equal(JobResult.Fail($"result too large: {ReportLimits.MaxResultBytes + 1} bytes, at most {ReportLimits.MaxResultBytes}", retryable: false), outcome);
    }

    [Fact]
    public void A_result_at_the_nodes_limit_is_sent_as_it_is()
    {
        var completed = new JobResult.Completed($"\"{new string('x', ReportLimits.MaxResultBytes - 2)}\"");

        Assert.Same(completed, Outcomes.Deliverable(completed));
    }

    [Fact]
    public void An_error_text_over_the_nodes_limit_is_cut_to_it()
    {
        var outcome = Outcomes.Deliverable(JobResult.Fail(new string('e', ReportLimits.MaxErrorLength + 1), retryable: true));

        Assert.Equal(JobResult.Fail(new string('e', ReportLimits.MaxErrorLength), retryable: true), outcome);
    }

    [Fact]
    public void A_log_line_is_cut_to_what_the_node_keeps_and_never_inside_a_surrogate_pair()
    {
        var link = new RecordingLink();
        var context = new JobContext(new Assign { JobId = "7", Attempt = 1 }, link, CancellationToken.None);

        context.Log("info", new string('x', ReportLimits.MaxLogTextLength - 1) + "😀" + "tail");

        Assert.Equal(new string('x', ReportLimits.MaxLogTextLength - 1), Assert.Single(link.Sent).Log.Text);
    }

    [Fact]
    public async Task A_checkpoint_over_the_nodes_limit_throws_and_sends_nothing()
    {
        var link = new RecordingLink();
        var context = new JobContext(new Assign { JobId = "7", Attempt = 1 }, link, CancellationToken.None);

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => context.CheckpointAsync("step", new string('é', ReportLimits.MaxCheckpointBytes / 2 + 1)));

        Assert.Equal("value", refused.ParamName);
        Assert.Empty(link.Sent);
        Assert.Empty(context.Checkpoints);
    }

    [Fact]
    public async Task The_outbox_answers_a_request_over_the_message_limit_as_refused_and_sends_what_follows()
    {
        var outbox = new Outbox(new AckTracker(), maxMessageBytes: 1024);

        var answer = outbox.RequestAsync(new WorkerMessage { Checkpoint = new Checkpoint { JobId = "7", Name = "n", Value = new string('x', 1024) } });
        Assert.True(outbox.Post(new WorkerMessage { Credit = new Credit { N = 1 } }));
        outbox.Close();
        var written = new List<WorkerMessage>();
        await outbox.RunWriterAsync(message =>
        {
            written.Add(message);
            return Task.CompletedTask;
        }, CancellationToken.None);

        var ack = await answer;
        Assert.False(ack.Ok);
        Assert.Contains("over the 1024-byte message limit", ack.Error, StringComparison.Ordinal);
        Assert.Equal(1, Assert.Single(written).Credit.N);
    }

    /// <summary>A session link that keeps what the job context sends and acknowledges every request.</summary>
    private sealed class RecordingLink : ISessionLink
    {
        public List<WorkerMessage> Sent { get; } = [];

        public void Post(WorkerMessage message) => Sent.Add(message);

        public Task<Ack> RequestAsync(WorkerMessage message)
        {
            Sent.Add(message);
            return Task.FromResult(new Ack { RequestId = message.RequestId, Ok = true });
        }

        public void ReportProgress(Progress progress) => Sent.Add(new WorkerMessage { Progress = progress });

        public Task<AcquireLimitResponse> AcquireLimitAsync(AcquireLimitRequest request, CancellationToken ct) => throw new NotSupportedException();
    }
}
