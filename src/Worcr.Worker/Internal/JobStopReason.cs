namespace Worcr.Worker.Internal;

/// <summary>Why a job's CancellationToken fired; decides what a handler that ends by throwing reports.</summary>
internal enum JobStopReason
{
    None = 0,
    /// <summary>The node sent Cancel: report Fail("cancelled", retryable: false).</summary>
    NodeCancel = 1,
    /// <summary>The shutdown (or drain) grace ran out: report Yield so the attempt is not used up.</summary>
    Shutdown = 2,
    /// <summary>The stream is gone: nothing can be reported; the node releases the job (at-least-once).</summary>
    StreamLost = 3,
}
