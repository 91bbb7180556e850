using System.Globalization;
using System.Text.Json.Nodes;
using Worcr.Worker;

namespace Worcr.Cli.Bench;

/// <summary>
/// The job of `worcr bench chaos`: a few short steps, each followed by a progress report and a checkpoint, so an
/// attempt cut short by a fault leaves a checkpoint the next attempt resumes from. Every job names the same host,
/// which one concurrency limit caps. The handler writes to a <see cref="ChaosEvents"/> file when it starts and when
/// it is told to stop (its token fires) or returns: what the bench later reads to find attempts of one job that
/// ran at once and moments the limit was exceeded.
/// </summary>
internal static class ChaosJob
{
    public const string Type = "chaos.step";
    public const string Host = "chaos.example.com";

    public static Protocol.V1.JobSpec Spec() => new()
    {
        Type = Type, Tenant = "chaos", ArgsJson = new JsonObject { ["host"] = Host }.ToJsonString(),
        // Each fault costs the attempts it interrupts one failure; a job must outlive several to show it is not lost.
        MaxAttempts = 25,
    };

    /// <summary>The limits file: at most <paramref name="capacity"/> jobs of the host at once.</summary>
    public static string LimitFile(int capacity) => new JsonArray(new JsonObject
    {
        ["name"] = "chaos-host", ["kind"] = "concurrency", ["match"] = new JsonObject { ["by"] = "args", ["field"] = "host" }, ["capacity"] = capacity,
    }).ToJsonString();

    public static JobHandler Handler(int steps, TimeSpan stepTime, ChaosEvents events) => async context =>
    {
        var step = context.Checkpoints.TryGetValue("step", out var saved) ? int.Parse(saved, CultureInfo.InvariantCulture) : 0;
        events.Started(context.JobId, context.Attempt, step);
        var stopped = 0;
        void Stop()
        {
            if (Interlocked.Exchange(ref stopped, 1) == 0) events.Stopped(context.JobId, context.Attempt);
        }
        using var told = context.CancellationToken.Register(Stop);
        try
        {
            for (; step < steps; step++)
            {
                await Task.Delay(stepTime, context.CancellationToken); // the job's simulated work
                await context.ProgressAsync("step", step + 1, steps);
                await context.CheckpointAsync("step", (step + 1).ToString(CultureInfo.InvariantCulture));
            }
            return JobResult.Complete();
        }
        finally
        {
            Stop();
        }
    };
}
