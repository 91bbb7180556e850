using System.Globalization;
using System.Text;
using Worcr.Worker;

/// <summary>The args of demo.digest: how many users, and the file that stands for the mail provider.</summary>
internal sealed record DigestArgs(int Users, string Outbox);

/// <summary>
/// Sends a digest to args.users users, one at a time, checkpointing after each send so a retry resumes after the
/// last user recorded. The "send" appends "user &lt;i&gt;" to args.outbox and flushes it. Delivery is at least once:
/// if the process dies between a send and its checkpoint, the next attempt sends to that one user again. A real
/// worker makes that repeat harmless with an idempotency key that is the same on every attempt, e.g.
///     await mailer.SendAsync(user, digest, idempotencyKey: $"worcr-{job.JobId}-user-{i}");
/// (job id + user, never the attempt number), so the provider drops the second copy. See docs/job-lifecycle.md.
/// </summary>
internal sealed class DigestHandler : IJobHandler<DigestArgs>
{
    public async Task<JobResult> HandleAsync(DigestArgs args, IJobContext job, CancellationToken cancellationToken)
    {
        var last = job.Checkpoints.TryGetValue("user", out var saved) ? int.Parse(saved, CultureInfo.InvariantCulture) : 0;
        if (last > 0) job.Log("info", $"resuming after user {last} of {args.Users} (attempt {job.Attempt})");
        await using var outbox = new FileStream(args.Outbox, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        for (var user = last + 1; user <= args.Users; user++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await SendAsync(outbox, user, cancellationToken);
            await job.CheckpointAsync("user", user.ToString(CultureInfo.InvariantCulture));
        }

        return JobResult.Complete(new { sent = args.Users });
    }

    // The send: one line, flushed to the file before the checkpoint is saved, as a provider would have accepted it.
    private static async Task SendAsync(FileStream outbox, int user, CancellationToken cancellationToken)
    {
        await outbox.WriteAsync(Encoding.UTF8.GetBytes($"user {user}\n"), cancellationToken);
        await outbox.FlushAsync(cancellationToken);
    }
}
