using System.Diagnostics;

namespace Worcr.Scripting.Internal.Js;

/// <summary>
/// The host function the rewriter calls at the top of every loop and function body. It stops the script
/// once the call's time budget or allocation budget is spent. Jurassic has no memory cap, so the managed
/// bytes this thread allocated since the call began are the soft cap; one huge built-in allocation
/// can still overshoot it before the next guard runs.
/// </summary>
internal sealed class JsGuard(SandboxLimits limits)
{
    private long _deadline;
    private long _allocatedAtStart;
    private string? _stopReason;

    public void Begin()
    {
        _stopReason = null;
        _deadline = Stopwatch.GetTimestamp() + (long)(limits.ScriptTimeBudget.TotalSeconds * Stopwatch.Frequency);
        _allocatedAtStart = GC.GetAllocatedBytesForCurrentThread();
    }

    public void Check()
    {
        _stopReason ??= FindReasonToStop();
        if (_stopReason is not null)
        {
            throw new ScriptFailure(_stopReason);
        }
    }

    private string? FindReasonToStop()
    {
        if (Stopwatch.GetTimestamp() > _deadline)
        {
            return $"exceeded its time budget of {limits.ScriptTimeBudget.TotalMilliseconds:0.###} ms";
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - _allocatedAtStart;
        return allocated > limits.JsAllocationBytes
            ? $"ran out of memory (allocated more than {limits.JsAllocationBytes} bytes)"
            : null;
    }
}
