using System.Globalization;
using Worcr.Worker;

// A worker with two handlers. Ctrl+C leaves gracefully: running jobs get WorkerOptions.ShutdownGrace to finish.
var address = new Uri(Environment.GetEnvironmentVariable("WORCR_GRPC") ?? "http://127.0.0.1:7070");
var options = new WorkerOptions
{
    Address = address,
    Token = Environment.GetEnvironmentVariable("WORCR_WORKER_TOKEN"),
    Tags = ["example", "dotnet"],
    Concurrency = 4,
};

await using var worker = new WorcrWorker(options)
    .Handle("demo.echo", Echo)
    .Handle("demo.count", Count);
worker.Diagnostic += Console.WriteLine;

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

Console.WriteLine($"Worker {options.WorkerId} connecting to {address}");
await worker.RunAsync(stop.Token);

// Returns its args unchanged as the job's result.
static Task<JobResult> Echo(JobContext job)
{
    job.Log("info", $"echo {job.ArgsJson}");
    return Task.FromResult(JobResult.Complete(job.Args<System.Text.Json.JsonElement>()));
}

// Counts to args.n, one step at a time, saving a checkpoint after each step so a retry resumes where it stopped.
static async Task<JobResult> Count(JobContext job)
{
    var n = job.Args<CountArgs>().N;
    var start = job.Checkpoints.TryGetValue("step", out var saved) ? int.Parse(saved, CultureInfo.InvariantCulture) : 0;
    if (start > 0)
    {
        job.Log("info", $"resuming at step {start} of {n} (attempt {job.Attempt})");
    }

    for (var step = start + 1; step <= n; step++)
    {
        job.CancellationToken.ThrowIfCancellationRequested();
        await job.ProgressAsync("steps", step, n);
        await job.CheckpointAsync("step", step.ToString(CultureInfo.InvariantCulture));
    }

    return JobResult.Complete(new { counted = n });
}

internal sealed record CountArgs(int N);
