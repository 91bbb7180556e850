using System.Globalization;
using Worcr.Worker;

// A worker with three handlers. Ctrl+C leaves gracefully: running jobs get WorkerOptions.ShutdownGrace to finish.
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
    .Handle("demo.count", Count)
    .Handle("demo.digest", Digest);
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

// Sends a digest to args.users users, one at a time, checkpointing after each send so a retry resumes after the
// last user recorded. The "send" appends "user <i>" to args.outbox and flushes it. Delivery is at least once: if
// the process dies between a send and its checkpoint, the next attempt sends to that one user again. A real
// worker makes that repeat harmless with an idempotency key that is the same on every attempt, e.g.
//     await mailer.SendAsync(user, digest, idempotencyKey: $"worcr-{job.JobId}-user-{i}");
// (job id + user, never the attempt number), so the provider drops the second copy. See docs/job-lifecycle.md.
static async Task<JobResult> Digest(JobContext job)
{
    var args = job.Args<DigestArgs>();
    var last = job.Checkpoints.TryGetValue("user", out var saved) ? int.Parse(saved, CultureInfo.InvariantCulture) : 0;
    if (last > 0) job.Log("info", $"resuming after user {last} of {args.Users} (attempt {job.Attempt})");
    await using var outbox = new FileStream(args.Outbox, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
    for (var user = last + 1; user <= args.Users; user++)
    {
        job.CancellationToken.ThrowIfCancellationRequested();
        await SendAsync(outbox, user);
        await job.CheckpointAsync("user", user.ToString(CultureInfo.InvariantCulture));
    }
    return JobResult.Complete(new { sent = args.Users });
}

// The send: one line, flushed to the file before the checkpoint is saved, as a provider would have accepted it.
static async Task SendAsync(FileStream outbox, int user)
{
    await outbox.WriteAsync(System.Text.Encoding.UTF8.GetBytes($"user {user}\n"));
    await outbox.FlushAsync();
}

internal sealed record CountArgs(int N);

internal sealed record DigestArgs(int Users, string Outbox);
