namespace Worcr.Server.Hosting;

/// <summary>What one worker stream may send: report pace and stored log lines.</summary>
public sealed class WorkerLimitOptions
{
    /// <summary>Log lines stored per job: the newest are kept, older ones are counted in one "… K lines dropped" line. Default 1,000; at least 10.</summary>
    public int MaxLogLinesPerJob { get; set; } = 1000;

    /// <summary>
    /// Progress and log messages one worker stream may send per second (and at once, after a quiet spell). A worker
    /// over it is paused, not cut off: its reports arrive late but complete, and its other messages wait behind them,
    /// so a chatty worker slows itself and not the node. The SDK sends each progress counter at most 5 times a second.
    /// Default 2,000 (measured: a raw flood paced at 5,000 still took about 10% of other jobs' throughput on 2 cores,
    /// at 2,000 nothing measurable; bench/RESULTS.md); at least 10.
    /// </summary>
    public int WorkerReportsPerSecond { get; set; } = 2000;
}

internal sealed class WorkerLimitOptionsValidator : SettingsValidator<WorkerLimitOptions>
{
    public override IEnumerable<string> Problems(WorkerLimitOptions options)
    {
        if (options.WorkerReportsPerSecond < 10) yield return $"WorkerReportsPerSecond {options.WorkerReportsPerSecond} must be at least 10.";
        if (options.MaxLogLinesPerJob < 10) yield return $"MaxLogLinesPerJob {options.MaxLogLinesPerJob} must be at least 10.";
    }
}
